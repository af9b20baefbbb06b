"""The running desk: config, wiring, the clock, the dispatcher, the scheduler, serve."""
