"""Google Workspace plumbing: credentials, the HTTP transports (retry, accounting, endpoint
override) and the API clients. Only adapters import this package; the domain core never does."""
