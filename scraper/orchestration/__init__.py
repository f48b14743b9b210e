"""Airflow building blocks for the `linkedin_profiles` DAG. The DAG file only wires these together.

Importing this package needs Airflow (the Airflow image installs the project with it); the scraper
and uploader images never import it.
"""
