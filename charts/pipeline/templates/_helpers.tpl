{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "pipeline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: the release name unless overridden. */}}
{{- define "pipeline.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Recommended labels; `component` names the part (seaweedfs, warehouse, demo-site, ...). */}}
{{- define "pipeline.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .context.Chart.Name .context.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: linkedin-pipeline
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
{{ include "pipeline.selectorLabels" . }}
{{- end }}

{{- define "pipeline.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- end }}

{{/* Secret names are the contract with the DAG (docs/architecture.md): fixed, created here or outside the chart. */}}
{{/* An account's Secret (`.` is one entry of scraper.accounts): its secretName, else linkedin-credentials-<name>. */}}
{{- define "pipeline.accountSecret" -}}{{ .secretName | default (printf "linkedin-credentials-%s" .name) }}{{- end }}
{{- define "pipeline.s3Secret" -}}s3-credentials{{- end }}
{{- define "pipeline.warehouseSecret" -}}warehouse-credentials{{- end }}
{{/* So are the ConfigMap names (the pods' envFrom, the plan task's read of the profile list). */}}
{{- define "pipeline.configMap" -}}pipeline-config{{- end }}
{{- define "pipeline.profilesConfigMap" -}}pipeline-profiles{{- end }}

{{- define "pipeline.seaweedfsName" -}}{{ include "pipeline.fullname" . }}-seaweedfs{{- end }}
{{- define "pipeline.warehouseName" -}}{{ include "pipeline.fullname" . }}-warehouse{{- end }}
{{- define "pipeline.demoSiteName" -}}{{ include "pipeline.fullname" . }}-demo-site{{- end }}

{{/* Where the scraper goes: the configured site, else the in-cluster demo site. */}}
{{- define "pipeline.baseUrl" -}}
{{- if .Values.scraper.baseUrl }}{{ .Values.scraper.baseUrl }}
{{- else }}http://{{ include "pipeline.demoSiteName" . }}.{{ .Release.Namespace }}.svc.cluster.local:8080
{{- end }}
{{- end }}

{{/* The S3 endpoint: the configured one, else SeaweedFS when it runs here, else AWS (empty). */}}
{{- define "pipeline.s3Endpoint" -}}
{{- if .Values.s3.endpoint }}{{ .Values.s3.endpoint }}
{{- else if .Values.seaweedfs.enabled }}http://{{ include "pipeline.seaweedfsName" . }}.{{ .Release.Namespace }}.svc.cluster.local:8333
{{- end }}
{{- end }}

{{/* Locked-down container security context shared by every container of this chart. */}}
{{- define "pipeline.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{- define "pipeline.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "pipeline.image" -}}{{ .repository }}:{{ .tag }}{{- end }}

{{/* Value combinations that cannot work fail the render with a sentence saying why. */}}
{{- define "pipeline.validate" -}}
{{- $names := list }}
{{- range .Values.scraper.accounts }}
{{- if has .name $names }}
{{- fail (printf "scraper.accounts names %s twice: each account needs its own name (it names its Secret, cap and lease)." .name) }}
{{- end }}
{{- $names = append $names .name }}
{{- $creds := get $.Values.linkedin.credentials .name | default dict }}
{{- if and $.Values.linkedin.createSecret (not $creds.liAt) (not (and $creds.email $creds.password)) }}
{{- fail (printf "linkedin.createSecret is true but linkedin.credentials.%s has neither liAt nor email with password: give one of them, or set createSecret=false and create Secret %s yourself." .name (include "pipeline.accountSecret" .)) }}
{{- end }}
{{- if gt (float64 .minDelaySeconds) (float64 .maxDelaySeconds) }}
{{- fail (printf "scraper.accounts %s: minDelaySeconds is larger than maxDelaySeconds." .name) }}
{{- end }}
{{- end }}
{{- if and .Values.seaweedfs.enabled (not (and .Values.s3.accessKeyId .Values.s3.secretAccessKey)) }}
{{- fail "seaweedfs.enabled needs s3.accessKeyId and s3.secretAccessKey: SeaweedFS only accepts the keys it is configured with." }}
{{- end }}
{{- if and .Values.s3.createSecret (not .Values.seaweedfs.enabled) (not (and .Values.s3.accessKeyId .Values.s3.secretAccessKey)) }}
{{- fail "s3.createSecret is true but s3.accessKeyId or s3.secretAccessKey is empty: set both keys, or set createSecret=false to use the pod's role (IRSA) or a Secret created outside the chart." }}
{{- end }}
{{- if and .Values.warehouse.enabled .Values.warehouse.createSecret (not .Values.warehouse.password) }}
{{- fail "warehouse.enabled with warehouse.createSecret needs warehouse.password (or set createSecret=false and create Secret warehouse-credentials with key password)." }}
{{- end }}
{{- if and (not .Values.demoSite.enabled) (not .Values.scraper.baseUrl) }}
{{- fail "demoSite.enabled is false and scraper.baseUrl is empty: the scraper would have no site to visit. Set scraper.baseUrl (e.g. https://www.linkedin.com)." }}
{{- end }}
{{- if and (eq .Values.data.accessMode "ReadWriteOnce") (gt (len .Values.airflow.serviceAccounts) 0) (hasPrefix "efs" .Values.data.storageClassName) }}
{{- fail "data.storageClassName is an EFS class but data.accessMode is ReadWriteOnce: EFS volumes are shared, use ReadWriteMany." }}
{{- end }}
{{- end }}

{{/* rotation.json of ConfigMap pipeline-profiles: what the DAG's plan task reads (scraper/orchestration/plan.py RotationConfig). */}}
{{- define "pipeline.rotation" -}}
{{- $accounts := list }}
{{- range .Values.scraper.accounts }}
{{- $accounts = append $accounts (dict "name" .name "secret" (include "pipeline.accountSecret" .) "daily_cap" (int .dailyCap) "min_delay_s" .minDelaySeconds "max_delay_s" .maxDelaySeconds) }}
{{- end }}
{{- dict "base_url" (include "pipeline.baseUrl" .) "refresh_days" (int .Values.scraper.refreshDays) "private_refresh_days" (int .Values.scraper.privateRefreshDays) "retire_not_found_after" (int .Values.scraper.retireNotFoundAfter) "accounts" $accounts | toJson }}
{{- end }}
