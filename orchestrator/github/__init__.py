"""Durable, governed applies on GitHub: persist as one commit or a pull request, check approvals and
required CI checks first, and record a deployment for the result.

Entry points for the engine are ``governance.open_session``, ``governance.preflight`` and
``governance.persist_and_record``; everything else is a building block.
"""

from __future__ import annotations
