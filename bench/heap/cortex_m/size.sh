#!/bin/sh
# Cortex-M3 code size of the heap core: arm-none-eabi-gcc -Os, -ffunction-sections,
# linked with -nostdlib -nostartfiles --gc-sections against size_entry.c.
#
# Inputs:  $1 = work directory (default /tmp/zmem-heap-size); ZMEM_BASE (default: this
#          checkout); HEAP_CONFIGS (default: "" and "CONFIG_SYS_HEAP_SMALL_ONLY"),
#          space-separated CONFIG names set to 1, one measurement row per entry
#          (entries separated by ";" ; an empty entry is the default configuration).
# Outputs: a Markdown table on stdout: text bytes of init+alloc+free, and the extra
#          text of aligned_alloc and of realloc. realloc needs memcpy, which comes from
#          newlib's libc.a, as does init's memset: their bytes are included and also shown
#          in brackets.
#          Exit status 1 when the toolchain is missing or a link fails.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ZMEM_BASE=${ZMEM_BASE:-$(cd "$here/../../.." && pwd)}
work=${1:-/tmp/zmem-heap-size}
HEAP_CONFIGS=${HEAP_CONFIGS-";CONFIG_SYS_HEAP_SMALL_ONLY"}
CC=${CC_ARM:-arm-none-eabi-gcc}
SIZE=${SIZE_ARM:-arm-none-eabi-size}
CFLAGS="-mcpu=cortex-m3 -mthumb -Os -ffunction-sections -fdata-sections -ffreestanding
        -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter -I$ZMEM_BASE/include"

command -v "$CC" >/dev/null || { echo "size.sh: $CC not found" >&2; exit 1; }
mkdir -p "$work"
sources=$(cmake -DSOURCES_CMAKE="$ZMEM_BASE/lib/heap/sources.cmake" \
	-P "$here/list_sources.cmake" 2>&1)

text_of() { "$SIZE" -A "$1" | awk '$1 == ".text" { print $2 }'; }

measure() { # $1 = config dir, $2 = variant macro; prints the linked .text bytes
	# shellcheck disable=SC2086
	$CC $CFLAGS -imacros "$1/autoconf.h" -D"$2" -c "$here/size_entry.c" -o "$1/entry_$2.o"
	# shellcheck disable=SC2086
	$CC -mcpu=cortex-m3 -mthumb -nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,_start \
		-Wl,-Map,"$1/$2.map" -o "$1/$2.elf" "$1/entry_$2.o" "$1"/heap_*.o -lc -lgcc
	text_of "$1/$2.elf"
}

libc_bytes() { # .text pulled from newlib's libc.a (memset, memcpy), from the link map
	total=0
	for hex in $(awk '$1 ~ /^\.text/ && $2 !~ /^0x0+$/ && $3 ~ /^0x/ && $4 ~ /libc\.a\(/ { print $3 }' "$1"); do
		total=$((total + hex))
	done
	echo "$total"
}

echo "| configuration (Cortex-M3, -Os, --gc-sections) | init+alloc+free (of which libc) | + aligned_alloc | + realloc (of which libc) |"
echo "|---|---|---|---|"
IFS=';'
for cfg in $HEAP_CONFIGS; do
	unset IFS
	name=${cfg:-default}
	dir="$work/$(echo "$name" | tr ' ' '_')"
	mkdir -p "$dir"
	: >"$dir/autoconf.h"
	for c in $cfg; do echo "#define $c 1" >>"$dir/autoconf.h"; done
	rm -f "$dir"/heap_*.o
	for src in $sources; do
		# shellcheck disable=SC2086
		$CC $CFLAGS -imacros "$dir/autoconf.h" -c "$src" -o "$dir/heap_$(basename "$src" .c).o"
	done
	base=$(measure "$dir" SIZE_BASE)
	core=$(measure "$dir" SIZE_CORE)
	aligned=$(measure "$dir" SIZE_ALIGNED)
	realloc=$(measure "$dir" SIZE_REALLOC)
	core_libc=$(libc_bytes "$dir/SIZE_CORE.map")
	realloc_libc=$(($(libc_bytes "$dir/SIZE_REALLOC.map") - core_libc))
	echo "| $name | $((core - base)) ($core_libc) | $((aligned - core)) |" \
		"$((realloc - core)) ($realloc_libc) |"
	IFS=';'
done
