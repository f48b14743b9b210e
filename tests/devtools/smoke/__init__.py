"""`make smoke`: prove that the running kind stack works end to end.

It triggers `linkedin_profiles` through Airflow's REST API with a few demo profiles (the kind values' demo account), follows
the run, then checks that every task succeeded, that the run's objects and manifest are in the bucket,
that the Airbyte job succeeded and that the warehouse holds one row per scraped profile of the run. On
failure it prints what a user needs to fix it (see docs/operations.md, "Reading make smoke").

Modules: `stack` reads the connection settings the stack itself uses, `cluster` talks to Kubernetes
through kubectl, `airflow_api` to Airflow, `checks` runs the checks and the diagnosis, `__main__` wires
them to the running cluster.
"""
