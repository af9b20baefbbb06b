"""Platform adapters: the only place platform SDKs are imported."""
