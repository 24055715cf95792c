# fish completion for sandbox(1)

# True while no COMMAND word has been typed yet (option values are skipped).
function __sandbox_in_options
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l two bind bind-try ro-bind ro-bind-try dev-bind dev-bind-try symlink chmod setenv
    set -l one uid gid hostname remount-ro proc dev tmpfs dir perms size chdir unsetenv argv0 cap-add cap-drop keep-fd
    set -l skip 0
    for t in $tokens
        if test $skip -gt 0
            set skip (math $skip - 1)
        else if test "$t" = --
            return 1
        else if contains -- (string replace -r '^--' '' -- $t) $two
            set skip 2
        else if contains -- (string replace -r '^--' '' -- $t) $one
            set skip 1
        else if string match -q -- '-*' $t
            continue
        else
            return 1
        end
    end
    return 0
end

function __sandbox_caps
    echo ALL
    sed -n 's/^#define \(CAP_[A-Z_]*\)[[:space:]].*/\1/p' /usr/include/linux/capability.h 2>/dev/null
end

complete -c sandbox -f
complete -c sandbox -n '__sandbox_in_options' -l help -d 'Print the help and exit'
complete -c sandbox -n '__sandbox_in_options' -l version -d 'Print the version and exit'
complete -c sandbox -n '__sandbox_in_options' -l share-net -d 'Keep the network namespace'
complete -c sandbox -n '__sandbox_in_options' -l share-pid -d 'Keep the pid namespace'
complete -c sandbox -n '__sandbox_in_options' -l share-ipc -d 'Keep the ipc namespace'
complete -c sandbox -n '__sandbox_in_options' -l share-uts -d 'Keep the uts namespace'
complete -c sandbox -n '__sandbox_in_options' -l share-cgroup -d 'Keep the cgroup namespace'
complete -c sandbox -n '__sandbox_in_options' -l uid -x -d 'User id inside'
complete -c sandbox -n '__sandbox_in_options' -l gid -x -d 'Group id inside'
complete -c sandbox -n '__sandbox_in_options' -l hostname -x -d 'Hostname inside'
complete -c sandbox -n '__sandbox_in_options' -l bind -r -F -d 'Bind SRC on DEST, writable'
complete -c sandbox -n '__sandbox_in_options' -l bind-try -r -F -d 'Like --bind, skipped when SRC is missing'
complete -c sandbox -n '__sandbox_in_options' -l ro-bind -r -F -d 'Bind SRC on DEST, read-only'
complete -c sandbox -n '__sandbox_in_options' -l ro-bind-try -r -F -d 'Like --ro-bind, skipped when SRC is missing'
complete -c sandbox -n '__sandbox_in_options' -l dev-bind -r -F -d 'Bind SRC on DEST, devices usable'
complete -c sandbox -n '__sandbox_in_options' -l dev-bind-try -r -F -d 'Like --dev-bind, skipped when SRC is missing'
complete -c sandbox -n '__sandbox_in_options' -l remount-ro -x -d 'Make the mount at DEST read-only'
complete -c sandbox -n '__sandbox_in_options' -l proc -x -d 'Mount a new procfs on DEST'
complete -c sandbox -n '__sandbox_in_options' -l dev -x -d 'Mount a minimal /dev on DEST'
complete -c sandbox -n '__sandbox_in_options' -l tmpfs -x -d 'Mount a new tmpfs on DEST'
complete -c sandbox -n '__sandbox_in_options' -l dir -x -d 'Create the directory DEST'
complete -c sandbox -n '__sandbox_in_options' -l symlink -x -d 'Create a symlink at DEST to TARGET'
complete -c sandbox -n '__sandbox_in_options' -l chmod -x -d 'Change the permissions of PATH'
complete -c sandbox -n '__sandbox_in_options' -l perms -x -d 'Permissions of the next --tmpfs or --dir'
complete -c sandbox -n '__sandbox_in_options' -l size -x -d 'Size in bytes of the next --tmpfs'
complete -c sandbox -n '__sandbox_in_options' -l chdir -x -a '(__fish_complete_directories)' -d 'Working directory of COMMAND'
complete -c sandbox -n '__sandbox_in_options' -l setenv -x -a '(set -xn)' -d 'Set an environment variable'
complete -c sandbox -n '__sandbox_in_options' -l unsetenv -x -a '(set -xn)' -d 'Unset an environment variable'
complete -c sandbox -n '__sandbox_in_options' -l clearenv -d 'Unset every variable but PWD'
complete -c sandbox -n '__sandbox_in_options' -l argv0 -x -d 'argv[0] of COMMAND'
complete -c sandbox -n '__sandbox_in_options' -l die-with-parent -d 'Kill the sandbox when its parent dies'
complete -c sandbox -n '__sandbox_in_options' -l new-session -d 'Run COMMAND in a new session'
complete -c sandbox -n '__sandbox_in_options' -l as-pid-1 -d 'Run COMMAND as pid 1'
complete -c sandbox -n '__sandbox_in_options' -l cap-add -x -a '(__sandbox_caps)' -d 'Keep a capability'
complete -c sandbox -n '__sandbox_in_options' -l cap-drop -x -a '(__sandbox_caps)' -d 'Drop a capability'
complete -c sandbox -n '__sandbox_in_options' -l keep-fd -x -d 'Pass an inherited descriptor'
complete -c sandbox -n '__sandbox_in_options' -a '(__fish_complete_command)'
complete -c sandbox -n 'not __sandbox_in_options' -a '(__fish_complete_subcommand)'
