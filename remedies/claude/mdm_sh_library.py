"""The shell functions the MDM scripts share (claude.mdm_posix assembles the scripts): finding
the user, python3 and the zipapp, running remedy as the user, telling doctor --check's
answers from failures, and writing a report for `remedy fleet-report`. POSIX `sh` as text,
the same for every script; what differs per script (its `fail`, its main part, the values
baked in) is mdm_posix's.
"""

from __future__ import annotations

# Shared by every script: finding the user, python3 and the zipapp, and running remedy as
# the user. `fail` is each script's own (below).
LIBRARY = r"""
# The user to run remedy for, in this order: $user above (or REMEDY_USER), else on macOS the
# owner of /dev/console, else on Linux the user of seat0's active session (loginctl), else
# the first user `who` lists on a console line (:0, tty1, console, seat0). Never root, nor
# macOS's setup and login-window users. Only the line counts: the comment (utmp's host) is
# any user's to write for their own pty (libutempter's helper takes any host), so a `(:0)`
# there would let them pass for the console user (found by review).
console_user() {
    if [ -n "$user" ]; then
        printf '%s\n' "$user"
        return
    fi
    case "$(uname -s)" in
        Darwin) found=$(stat -f %Su /dev/console 2>/dev/null) ;;
        *) found=$(linux_console_user) ;;
    esac
    case "$found" in
        '' | root | _mbsetupuser | loginwindow) return 1 ;;
    esac
    printf '%s\n' "$found"
}

linux_console_user() {
    if command -v loginctl >/dev/null 2>&1; then
        session=$(loginctl show-seat seat0 -p ActiveSession --value 2>/dev/null)
        if [ -n "$session" ] &&
            [ "$(loginctl show-session "$session" -p Class --value 2>/dev/null)" = user ]; then
            loginctl show-session "$session" -p Name --value 2>/dev/null
            return
        fi
    fi
    console='^(:[0-9]+([.][0-9]+)?|tty[0-9]+|console|seat[0-9]+)$'
    who 2>/dev/null | awk -v line="$console" '$1 != "root" && $2 ~ line { print $1; exit }'
}

# The account's home and login shell, from the user database (getent; dscl on macOS).
account() {
    if command -v getent >/dev/null 2>&1; then
        entry=$(getent passwd "$1") || return 1
        # getent reads an all-digit name as a uid: the entry must be this name's.
        [ "$(printf '%s\n' "$entry" | cut -d: -f1)" = "$1" ] || return 1
        home=$(printf '%s\n' "$entry" | cut -d: -f6)
        login_shell=$(printf '%s\n' "$entry" | cut -d: -f7)
    else
        home=$(dscl . -read "/Users/$1" NFSHomeDirectory 2>/dev/null |
            sed -n 's/^NFSHomeDirectory: //p')
        login_shell=$(dscl . -read "/Users/$1" UserShell 2>/dev/null | sed -n 's/^UserShell: //p')
    fi
    [ -n "$home" ] && [ -d "$home" ]
}

# python3: $python above (or REMEDY_PYTHON), else the first of these that runs. macOS's
# /usr/bin/python3 is a stub that asks to install the command line tools when they are not.
find_python() {
    if [ -n "$python" ]; then
        [ -x "$python" ] && printf '%s\n' "$python"
        return
    fi
    for candidate in /usr/bin/python3 /usr/local/bin/python3 /opt/homebrew/bin/python3; do
        [ -x "$candidate" ] || continue
        if [ "$candidate" = /usr/bin/python3 ] && [ "$(uname -s)" = Darwin ] &&
            ! xcode-select -p >/dev/null 2>&1; then
            continue
        fi
        printf '%s\n' "$candidate"
        return
    done
    return 1
}

# Everything remedy needs, or fail with one line saying what is missing.
prepare() {
    if [ "$(id -u)" = 0 ]; then
        name=$(console_user) || fail "no user at the console (name one: user= at the top)"
    else
        # Run as a user (Intune runs Linux compliance scripts in the user's context): remedy
        # runs for that user alone.
        name=$(id -un 2>/dev/null) || fail "cannot tell which user runs this script"
        [ -z "$user" ] || [ "$user" = "$name" ] ||
            fail "only root runs remedy for another user ($user)"
    fi
    case "$name" in
        -* | *[!A-Za-z0-9._@-]*) fail "not a user name remedy runs for: $name" ;;
    esac
    account "$name" || fail "no such user, or no home: $name"
    [ "$(id -u "$name" 2>/dev/null)" != 0 ] || fail "remedy does not run as root ($name)"
    # Absolute, or the user's home (where remedy runs) would choose which zipapp runs.
    case "$pyz" in /*) ;; *) fail "the zipapp's path is not absolute: $pyz" ;; esac
    [ -f "$pyz" ] || fail "no remedy zipapp at $pyz (make pyz builds it)"
    py=$(find_python) || fail "no python3 (set python= at the top)"
    case "$py" in
        *=*) fail "a python3 path with = in it: $py" ;;
    esac
    # Nothing of the user's process reaches the output (an MDM reads stdout as the answer).
    as_user test -r "$pyz" >/dev/null 2>&1 || fail "$name cannot read $pyz"
    case "$(uname -s)" in
        Darwin) lang=en_US.UTF-8 ;;
        *) lang=C.UTF-8 ;;
    esac
}

# Whether doctor --check answered: its exit code with its own line.
answered() {
    case "$1:$2" in
        '0:compliant: '* | '1:needs a remedy: '* | '3:cannot tell: '*) return 0 ;;
    esac
    return 1
}

# remedy ARGS, as the user, with a clean environment: nothing of root's (or the MDM's) is
# passed on; the user's shells start from it as a login would.
as_user() {
    if [ "$(id -u)" != 0 ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$name" -- "$@"
    else
        sudo -n -H -u "$name" -- "$@"
    fi
}

run_remedy() {
    cd "$home" 2>/dev/null || cd /
    as_user env -i HOME="$home" USER="$name" LOGNAME="$name" SHELL="${login_shell:-/bin/sh}" \
        PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG="$lang" "$py" -I "$pyz" "$@"
}
"""


# A report for `remedy fleet-report DIR --html`: doctor --check --json's line with the host's
# name, in the folder `reports=` names (REMEDY_REPORTS), one file per host. It is the whole
# host's judgement, not this script's remedy's: the scripts of several remedies write the
# same file, and the last one's "compliant" about its own remedy hid another's need (found
# by review). Root writes it, so the folder must be root's alone (not the user's, nor
# anyone's to write): else a link planted there would be written through. A new file,
# renamed into place (a rename replaces a link, never follows it). Not written: said on
# stderr; the check's answer stands.
REPORT = """
report() {
    [ -n "$reports" ] || return 0
    if [ "$(id -u)" != 0 ]; then
        echo "remedy: reports= are written by root only: not written" >&2
        return 0
    fi
    case "$reports" in
        /*) ;;
        *) echo "remedy: reports= is not absolute: not written" >&2; return 0 ;;
    esac
    if [ ! -d "$reports" ] || [ -L "$reports" ] || [ "$(stat -c %u "$reports" 2>/dev/null ||
        stat -f %u "$reports" 2>/dev/null)" != 0 ] ||
        [ -n "$(find "$reports" -maxdepth 0 \\( -perm -020 -o -perm -002 \\) 2>/dev/null)" ]; then
        echo "remedy: $reports is not a folder root alone may write: report not written" >&2
        return 0
    fi
    host=$(hostname 2>/dev/null | tr -cd 'A-Za-z0-9._-')
    [ -n "$host" ] || host=unknown
    json=$(run_remedy doctor --check --json "$@" | sed -n 1p)
    case "$json" in
        '{'*) ;;
        *) echo "remedy: no report from remedy: not written" >&2; return 0 ;;
    esac
    tmp=$(mktemp "$reports/.remedy.XXXXXX") || return 0
    printf '%s\\n' "$json" | sed "s/^{/{\\"host\\":\\"$host\\",/" >"$tmp" &&
        chmod 644 "$tmp" && mv -f "$tmp" "$reports/$host.json" || rm -f "$tmp"
}
"""
