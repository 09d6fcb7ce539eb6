import sys

try:
    from remedies.cli import main
except KeyboardInterrupt:
    # Ctrl-C while Python is still loading remedy: nothing has been read or written yet.
    sys.stderr.write("remedy: error: interrupted; nothing was changed\n")
    sys.exit(130)

main()
