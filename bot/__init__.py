"""The runtime: CLI, config, wiring, adapters, scheduler, dispatcher."""
