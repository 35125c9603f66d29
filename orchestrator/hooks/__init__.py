"""Phase hooks: the reference's script-substitution variables, run as external executables.

``config`` turns the variables a shell read into typed ``PhaseHooks``; ``runner`` runs one hook
(an argument list, never a shell; bounded output; a timeout); ``readback`` checks what a hook
produced before anything trusts it. Only the shells read the environment; the use cases receive
``PhaseHooks`` as a value.
"""
