"""Where the master goes: a local workbook (offline default) or a Google Sheet.

Both are adapters behind `gsync.ports.MasterSink`; the tables they write and the keyed merge
they share are the core's (gsync/master/).
"""
