"""`zmem export`: make find_package(Zephyr) and find_package(Zmem) find this
checkout without ZEPHYR_BASE, the way `west zephyr-export` does for Zephyr.

Input: the checkout (zephyr_base()). Output: one entry per package in CMake's
user package registry, ~/.cmake/packages/<Package>/<key>, each file holding
the directory of that package's config file. Re-running is harmless (the key
is a hash of the path); `--remove` deletes the entries this checkout made.
"""
import hashlib
import os

from .boards import zephyr_base

PACKAGES = (("Zephyr", "zephyr-package"), ("Zmem", "zmem-package"))


def registry_entries(base):
    """[(registry file, config dir)] for this checkout."""
    home = os.path.expanduser("~")
    entries = []
    for package, folder in PACKAGES:
        config_dir = os.path.join(base, "share", folder, "cmake")
        key = hashlib.md5(config_dir.encode("utf-8")).hexdigest()
        entries.append((os.path.join(home, ".cmake", "packages", package, key), config_dir))
    return entries


def cmd_export(args):
    base = zephyr_base()
    for path, config_dir in registry_entries(base):
        if args.remove:
            if os.path.exists(path):
                os.remove(path)
                print("removed {}".format(path))
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(config_dir + "\n")
        print("{} -> {}".format(path, config_dir))
    return 0
