"""Command-line parsing for zmem and dispatch to the commands."""
import argparse
import sys

from .boards import cmd_boards
from .build import DEFAULT_BUILD_DIR, PRISTINE_CHOICES, cmd_build
from .errors import ZmemError
from .export import cmd_export
from .heap_size import cmd_heap_size


def split_cmake_args(argv):
    """Everything after the first '--' goes to cmake unchanged."""
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    return argv, []


def add_common(p, top):
    # On the top parser the defaults are set; on a subcommand they are
    # suppressed so that `zmem -v build` is not reset by the subcommand.
    default = 0 if top else argparse.SUPPRESS
    p.add_argument("-v", "--verbose", action="count", default=default,
                   help="print every command, shell-quoted, before running it")


def make_parser():
    parser = argparse.ArgumentParser(
        prog="zmem",
        description="Build and run zmem applications (in the habit of Zephyr's west).")
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    sub.required = True

    b = sub.add_parser(
        "build", help="configure and build an application",
        usage="zmem build [-b BOARD] [-d BUILD_DIR] [-p [always|auto|never]] [-t TARGET] "
              "[-v] [-n] [APP_DIR] [-- CMAKE_ARGS...]",
        description="Configure APP_DIR with CMake for BOARD in BUILD_DIR, then build it. "
                    "Without APP_DIR and -b, an existing build directory is rebuilt.")
    add_common(b, top=False)
    b.add_argument("-b", "--board", help="board to build for (see `zmem boards`); "
                   "default: the build directory's, else $BOARD, else native_sim")
    b.add_argument("-d", "--build-dir",
                   help="build directory (default: ./{})".format(DEFAULT_BUILD_DIR))
    b.add_argument("-p", "--pristine", nargs="?", const="always", metavar="WHEN",
                   help="wipe the build directory first: always (plain -p), auto (when it "
                        "belongs to another app or board) or never (the default)")
    b.add_argument("-t", "--target", help="build target, e.g. run, menuconfig, guiconfig")
    b.add_argument("-n", "--dry-run", action="store_true",
                   help="print the commands without running them or wiping anything")
    b.add_argument("source_dir", nargs="?", metavar="APP_DIR",
                   help="application directory (holding CMakeLists.txt)")
    b.set_defaults(func=cmd_build)

    bo = sub.add_parser("boards", help="list the boards", description="List the boards: "
                        "every boards/<name>/ of ZEPHYR_BASE that holds board.cmake.")
    add_common(bo, top=False)
    bo.set_defaults(func=cmd_boards)

    ex = sub.add_parser("export", help="let CMake find this zmem without ZEPHYR_BASE",
                        description="Register this checkout in CMake's user package registry, "
                        "so that find_package(Zephyr) and find_package(Zmem) find it even when "
                        "ZEPHYR_BASE is not set (like `west zephyr-export`).")
    add_common(ex, top=False)
    ex.add_argument("--remove", action="store_true", help="remove the registration instead")
    ex.set_defaults(func=cmd_export)

    hs = sub.add_parser(
        "heap-size", help="size the heaps from a heap trace (CONFIG_SYS_HEAP_TRACE)",
        usage="zmem heap-size [LOG] [-d BUILD_DIR] [--elf FILE] [--max-size BYTES] [-v]",
        description="Replay the heap trace in LOG (or, without LOG, in the output of the "
                    "build directory's run target) against zmem's heap engine and report, "
                    "for every heap, the smallest size at which no allocation fails "
                    "(docs/heap_trace.md).")
    add_common(hs, top=False)
    hs.add_argument("log", nargs="?", metavar="LOG",
                    help="a log holding the trace; default: run the build and use its output")
    hs.add_argument("-d", "--build-dir",
                    help="build directory (default without LOG: ./{}); its image names "
                         "the heaps, and the tool is built inside it".format(DEFAULT_BUILD_DIR))
    hs.add_argument("--elf", help="image that printed LOG, to name the heaps by symbol")
    hs.add_argument("--max-size", type=int, metavar="BYTES",
                    help="largest heap size tried (default 256 MiB)")
    hs.set_defaults(func=cmd_heap_size)
    return parser


def fix_pristine(parser, args):
    """`-p APP_DIR` means `-p always APP_DIR`: argparse gave the app to -p."""
    if getattr(args, "pristine", None) in (None,) + PRISTINE_CHOICES:
        return
    if args.source_dir is None:
        args.source_dir, args.pristine = args.pristine, "always"
    else:
        parser.error("-p takes always, auto or never, not '{}'".format(args.pristine))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    own, cmake_args = split_cmake_args(argv)
    parser = make_parser()
    args = parser.parse_args(own)
    if cmake_args and args.command != "build":
        parser.error("'--' cmake arguments only go with `zmem build`")
    fix_pristine(parser, args)
    try:
        if args.command == "build":
            return args.func(args, cmake_args)
        return args.func(args)
    except ZmemError as e:
        print("zmem: error: {}".format(e), file=sys.stderr)
        return 1
