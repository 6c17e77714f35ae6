#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Open kconfiglib's Tk guiconfig on a zmem build's .config.

Usage: guiconfig.py --kconfig <zmem>/Kconfig --srctree <zmem> [--env NAME=VALUE]...
                    [--config <build>/zephyr/.config]   (default: $KCONFIG_CONFIG)
Needs Tk (Debian: python3-tk) and a display. Saving writes the .config back in place.
"""

import sys

import kconfig_ui


def main():
    kconf = kconfig_ui.prepare("guiconfig", sys.argv[1:])
    try:
        import tkinter  # noqa: F401  (guiconfig's own import would fail less clearly)
    except ImportError:
        kconfig_ui.fail("guiconfig needs Tk, which {} cannot import: install Debian's "
                        "python3-tk, or use the menuconfig target".format(sys.executable))
    tool = kconfig_ui.import_kconfiglib_tool("guiconfig")
    tool.menuconfig(kconf)


if __name__ == "__main__":
    main()
