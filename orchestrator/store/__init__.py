"""The store: the only code that touches the filesystem.

``FleetLayout`` says where every fleet file lives; every read is confined (no link followed,
regular files only) and bounded, every write atomic and complete, applies locked and journaled.
"""
