"""gsync: district quarterly reports into one master Sheet."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gsync")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
