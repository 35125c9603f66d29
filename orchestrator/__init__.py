"""promotion-rollout: decide, apply and roll back guarded-autonomous fleet promotions."""

__version__ = "1.0.0"
