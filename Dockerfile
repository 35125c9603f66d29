# Container image of the promotion-rollout action. The default base is pinned by digest; tests
# and air-gapped builds pass --build-arg BASE_IMAGE=<local image with python3 + venv>.
ARG BASE_IMAGE=python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea

FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1
COPY requirements/runtime.txt /tmp/runtime.txt
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes --no-deps --only-binary=:all: -r /tmp/runtime.txt \
 && /opt/venv/bin/pip uninstall --yes --quiet setuptools pip \
 && rm /tmp/runtime.txt
COPY orchestrator /opt/action/orchestrator
COPY entrypoint.py /opt/action/entrypoint.py
RUN /opt/venv/bin/python -m compileall -q /opt/action

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="promotion-rollout" \
      org.opencontainers.image.description="Decide, apply and roll back guarded-autonomous fleet promotions." \
      org.opencontainers.image.licenses="MIT"
ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONPATH=/opt/action \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/action /opt/action
ENTRYPOINT ["/opt/venv/bin/python", "/opt/action/entrypoint.py"]
