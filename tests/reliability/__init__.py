"""Production serving: reliability and security scenarios against real processes."""
