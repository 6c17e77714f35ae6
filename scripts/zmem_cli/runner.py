"""Runs external commands: echoes them under -v, skips them under --dry-run.

The echo is the command exactly as run, shell-quoted, preceded by the
environment assignments zmem adds (so that it can be pasted into a shell).
"""
import shlex
import shutil
import subprocess
import sys

from .errors import ZmemError

# Debian packages that provide the programs zmem runs.
PACKAGES = {"cmake": "cmake", "ninja": "ninja-build"}


def quote(argv):
    return " ".join(shlex.quote(a) for a in argv)


def require_program(name):
    """Absolute path of `name` on PATH, or a one-line error naming its Debian package."""
    path = shutil.which(name)
    if path is None:
        raise ZmemError("{} not found on PATH; install it (Debian: apt-get install {})"
                        .format(name, PACKAGES.get(name, name)))
    return path


class Runner:
    def __init__(self, verbose=False, dry_run=False):
        self.verbose = verbose
        self.dry_run = dry_run

    def note(self, message):
        """A line about what zmem itself does (not a command)."""
        print("-- zmem: " + message, flush=True)

    def run(self, argv, env_updates=None, env=None):
        """Runs argv with stdin/stdout/stderr inherited; returns its exit status.

        A command killed by signal N gives 128 + N, as a shell reports it.
        """
        if self.verbose or self.dry_run:
            prefix = "".join("{}={} ".format(k, shlex.quote(v))
                             for k, v in sorted((env_updates or {}).items()))
            print(prefix + quote(argv), flush=True)
        if self.dry_run:
            return 0
        sys.stdout.flush()
        try:
            status = subprocess.call(argv, env=env)
        except KeyboardInterrupt:
            return 130
        except OSError as e:
            raise ZmemError("cannot run {}: {}".format(argv[0], e.strerror))
        return 128 - status if status < 0 else status
