"""Where zmem is, and which boards it has.

A board is a directory boards/<name>/ holding board.cmake. Its description is
the first comment line of board.cmake, without a leading "<name>:".
"""
import os

from .errors import ZmemError


def zephyr_base():
    """$ZEPHYR_BASE if set, else the checkout this script lives in (two levels up)."""
    env = os.environ.get("ZEPHYR_BASE", "")
    if env:
        return os.path.abspath(env)
    here = os.path.dirname(os.path.realpath(__file__))  # <base>/scripts/zmem_cli
    return os.path.dirname(os.path.dirname(here))


def board_description(board_cmake, name):
    """The first '#' comment line of board.cmake, minus a leading '<name>:'."""
    try:
        with open(board_cmake, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("#"):
                    continue
                text = line.lstrip("#").strip()
                if not text:
                    continue
                if text.startswith(name + ":"):
                    text = text[len(name) + 1:].strip()
                return text
    except OSError:
        pass
    return "(no description)"


def list_boards(base):
    """Sorted list of (name, description) for every boards/<name>/board.cmake."""
    boards_dir = os.path.join(base, "boards")
    if not os.path.isdir(boards_dir):
        raise ZmemError("no boards/ directory in ZEPHYR_BASE {} (is it a zmem checkout?)"
                        .format(base))
    found = []
    for name in sorted(os.listdir(boards_dir)):
        board_cmake = os.path.join(boards_dir, name, "board.cmake")
        if os.path.isfile(board_cmake):
            found.append((name, board_description(board_cmake, name)))
    return found


def check_board(base, board):
    """Raises ZmemError, naming the known boards, unless `board` is one of them."""
    names = [name for name, _ in list_boards(base)]
    if board not in names:
        raise ZmemError("unknown board '{}'; boards: {}".format(board, ", ".join(names)))


def cmd_boards(args):
    """`zmem boards`: one board per line, name then description."""
    boards = list_boards(zephyr_base())
    width = max((len(name) for name, _ in boards), default=0)
    for name, description in boards:
        print("{:<{}}  {}".format(name, width, description))
    return 0
