#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Open kconfiglib's terminal menuconfig on a zmem build's .config.

Usage: menuconfig.py --kconfig <zmem>/Kconfig --srctree <zmem> [--env NAME=VALUE]...
                     [--config <build>/zephyr/.config]   (default: $KCONFIG_CONFIG)
Saving writes the .config back in place; the next build regenerates autoconf.h from it.
"""

import sys

import kconfig_ui


def main():
    kconf = kconfig_ui.prepare("menuconfig", sys.argv[1:])
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        kconfig_ui.fail("menuconfig needs an interactive terminal")
    tool = kconfig_ui.import_kconfiglib_tool("menuconfig")
    tool.menuconfig(kconf)


if __name__ == "__main__":
    main()
