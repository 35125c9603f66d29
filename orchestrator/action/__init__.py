"""The GitHub Action shell: inputs in, the orchestrate use case, outputs, job summary and artifact out.

``run.main`` is what the container's ``entrypoint.py`` calls; ``inputs`` judges every input into
typed values, ``outputs`` reads the typed result, ``publish`` appends the job summary and uploads
the artifact, ``log`` keeps untrusted text out of the runner's command channel.
"""
