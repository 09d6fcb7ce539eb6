"""Which other files a start-up file reads, found two ways, each with its own blind spots.

- Reading (walk): static_sources() finds the `.` / `source` statements of a start-up file
  whose path can be worked out without running anything, static_variables() the variables it
  gives a literal value, expand() the files a pattern names (the only I/O of the walk).
  walker holds the state of the walk, walk_posix, walk_fish and walk_csh what a command means
  in each family, tokens splits a line into words, expansion expands one word.
- Tracing (trace): parse_trace() reads the stderr of a real shell started with xtrace on and
  PS4 set to trace_ps4(): sourced_files() lists what that shell really sourced, assignments()
  where it assigned given variables (trace's docstring has each shell's format, measured).
  A trace holds every value the start-up files set, secrets included: nothing here logs or
  returns a value, only names, files and line numbers.
- Loaders (loaders): the data files a line such as `export $(grep -v '^#' FILE | xargs)`,
  `source <(cat FILE)` or `eval "$(cat FILE)"` reads, from its words alone, and the line of
  such a file that gives a variable a value; is_pipe() tells a traced `/dev/fd/63` from a file.
  line_words splits such a line (and a substitution's inside) into words as written.
"""

from shells.sourcing.trace import (
    MARK,
    TraceLine,
    TraceReader,
    assignments,
    parse_trace,
    sourced_files,
    trace_ps4,
    trace_words,
)
from shells.sourcing.walk import (
    SourceRef,
    expand,
    may_source,
    static_sources,
    static_variables,
)

__all__ = [
    "MARK",
    "SourceRef",
    "TraceLine",
    "TraceReader",
    "assignments",
    "expand",
    "may_source",
    "parse_trace",
    "sourced_files",
    "static_sources",
    "static_variables",
    "trace_ps4",
    "trace_words",
]
