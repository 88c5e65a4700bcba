"""gsync's benchmark: `python -m bench` (see docs/benchmark.md). Not part of the test suite.

    province.py     synthetic provinces with the real mess, loaded into the Google fake
    vclock.py       the virtual clock (80 ms per request, retry sleeps, gsync's CPU)
    harness.py      gsync's own clients and transports over the fake, one sync measured
    naive.py        the naive baseline (one values.append per row, everything re-downloaded)
    served.py       gsync's peak RSS with the fake in another process
    parse_speed.py  report files per second, openpyxl vs python-calamine
    scenario.py     one scenario per process; __main__.py runs them all and prints the table
"""
