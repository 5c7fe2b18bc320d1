"""The job pipeline: submit, validate, ingest, process, run tools, sweep; lifecycle owns
every job state write. Imports the seams in shared/, never shared.api."""
