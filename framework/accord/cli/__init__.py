"""The command line: a thin layer of click commands. No logic lives here: each command parses
its arguments, calls one library function, formats the result and picks the exit code."""
