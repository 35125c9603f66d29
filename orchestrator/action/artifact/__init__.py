"""Upload what a run produced as one workflow artifact through the Actions artifact service (v4).

This is the protocol ``actions/upload-artifact`` (v4 and later) speaks through ``@actions/artifact`` 6.x:
``CreateArtifact`` (Twirp JSON) returns a signed blob URL, the zip is staged there as Azure
block-blob blocks and committed, then ``FinalizeArtifact`` reports its size and sha256. The
runner hands a container action ``ACTIONS_RUNTIME_TOKEN`` and ``ACTIONS_RESULTS_URL``; without
them (a local run) nothing is uploaded.

* ``errors``: the one-line failures;
* ``archive``: the names the service accepts and the zip, built from in-memory entries;
* ``transport``: HTTP with retries, Twirp calls and blob blocks;
* ``service``: ``upload_artifact``, the whole exchange.

Only the standard library is used so the action image stays small.
"""
