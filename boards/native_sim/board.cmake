# native_sim: the application and zmem built as one host executable.
# Threads are host threads run one at a time; the console is stdout.
set(ZMEM_ARCH posix)
set(ZMEM_IMAGE_SUFFIX .exe)
set(ZMEM_RUN_COMMAND "")   # the image runs by itself
