"""The master, as the core sees it: its tabs as plain tables and the keyed merge (pure, no I/O).

* `layout`: the Table type, its cells, the tab names, the key and note columns, the status words;
* `tables`: the quarterly reports' tabs built from an `outcome.Outcome`, and staff's input read back;
* `collection_tabs`: the `[[collections]]` columns, rows and tabs added to those;
* `render`: all the tabs, the quarterly ones with the collections' added;
* `merge`: rows matched by key, staff's columns carried over, what both sinks do before writing.

The sinks (gsync/sinks/: workbook, Google Sheet) only read and write what these build.
"""
