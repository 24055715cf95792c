# fish completion for sandbox(1)

# True while no COMMAND word has been typed yet (option values are skipped).
function __sandbox_in_options
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l three overlay
    set -l two bind bind-try ro-bind ro-bind-try dev-bind dev-bind-try symlink chmod setenv bind-fd ro-bind-fd file bind-data ro-bind-data
    set -l one uid gid hostname remount-ro proc dev tmpfs dir perms size chdir unsetenv argv0 cap-add cap-drop keep-fd keep-env home args userns userns2 pidns mqueue overlay-src tmp-overlay ro-overlay seccomp add-seccomp-fd seccomp-profile seccomp-deny seccomp-allow log-denials allow-tcp-connect allow-tcp-bind exec-label file-label info-fd json-status-fd block-fd userns-block-fd sync-fd lock-file
    set -l skip 0
    for t in $tokens
        if test $skip -gt 0
            set skip (math $skip - 1)
        else if test "$t" = --
            return 1
        else if contains -- (string replace -r '^--' '' -- $t) $three
            set skip 3
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
complete -c sandbox -n '__sandbox_in_options' -l no-auto-dev -d 'No minimal /dev where nothing is mounted on /dev'
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
complete -c sandbox -n '__sandbox_in_options' -l no-die-with-parent -d 'Turn off an earlier --die-with-parent'
complete -c sandbox -n '__sandbox_in_options' -l cap-add -x -a '(__sandbox_caps)' -d 'Keep a capability'
complete -c sandbox -n '__sandbox_in_options' -l cap-drop -x -a '(__sandbox_caps)' -d 'Drop a capability'
complete -c sandbox -n '__sandbox_in_options' -l keep-fd -x -d 'Pass an inherited descriptor'
complete -c sandbox -n '__sandbox_in_options' -l args -x -d 'Read NUL-separated arguments from FD'
complete -c sandbox -n '__sandbox_in_options' -l profile -r -F -a '(sandbox --profiles 2>/dev/null | string split -f1 " ")' -d 'Read options from a profile'
complete -c sandbox -n '__sandbox_in_options' -l profiles -d 'List the profiles --profile finds'
complete -c sandbox -n '__sandbox_in_options' -l no-as-user -d 'Turn off an earlier --as-user'
complete -c sandbox -n '__sandbox_in_options' -l keep-env -x -a '(set -xn)' -d "Keep a variable's value from the caller"
complete -c sandbox -n '__sandbox_in_options' -l home -x -a "tmpfs (ls (set -q XDG_DATA_HOME; and echo \$XDG_DATA_HOME; or echo \$HOME/.local/share)/sandbox/home 2>/dev/null)" -d 'HOME inside: a new tmpfs or a kept directory'
complete -c sandbox -n '__sandbox_in_options' -l share-display -d "Share the caller's display: Wayland, else X11 untrusted (=trusted: full access)"
complete -c sandbox -n '__sandbox_in_options' -l as-user -d 'Run as the caller, with passwd and group entries'
complete -c sandbox -n '__sandbox_in_options' -l dbus-talk -x -d 'Filtered session bus: talk to NAME'
complete -c sandbox -n '__sandbox_in_options' -l dbus-own -x -d 'Filtered session bus: own NAME'
complete -c sandbox -n '__sandbox_in_options' -l dbus-see -x -d 'Filtered session bus: see NAME'
complete -c sandbox -n '__sandbox_in_options' -l dbus-call -x -d 'Filtered session bus: call NAME=RULE'
complete -c sandbox -n '__sandbox_in_options' -l dbus-system-talk -x -d 'Filtered system bus: talk to NAME'
complete -c sandbox -n '__sandbox_in_options' -l share-sound -d "Share the caller's PulseAudio and PipeWire sockets"
complete -c sandbox -n '__sandbox_in_options' -l level-prefix -d 'Prefix diagnostics with a syslog level'
complete -c sandbox -n '__sandbox_in_options' -l dry-run -d 'Print what would be done, in order, and exit'
complete -c sandbox -n '__sandbox_in_options' -l unshare-all -d 'New ipc, pid, net, uts and cgroup namespaces'
complete -c sandbox -n '__sandbox_in_options' -l unshare-user -d 'New user namespace'
complete -c sandbox -n '__sandbox_in_options' -l unshare-user-try -d 'New user namespace if possible'
complete -c sandbox -n '__sandbox_in_options' -l unshare-ipc -d 'New ipc namespace'
complete -c sandbox -n '__sandbox_in_options' -l unshare-pid -d 'New pid namespace'
complete -c sandbox -n '__sandbox_in_options' -l unshare-net -d 'New network namespace'
complete -c sandbox -n '__sandbox_in_options' -l unshare-uts -d 'New uts namespace'
complete -c sandbox -n '__sandbox_in_options' -l unshare-cgroup -d 'New cgroup namespace'
complete -c sandbox -n '__sandbox_in_options' -l unshare-cgroup-try -d 'New cgroup namespace if possible'
complete -c sandbox -n '__sandbox_in_options' -l userns -x -d 'Join the user namespace FD'
complete -c sandbox -n '__sandbox_in_options' -l userns2 -x -d 'Switch to the user namespace FD after setup'
complete -c sandbox -n '__sandbox_in_options' -l pidns -x -d 'Use the pid namespace FD'
complete -c sandbox -n '__sandbox_in_options' -l disable-userns -d 'Forbid new user namespaces inside'
complete -c sandbox -n '__sandbox_in_options' -l assert-userns-disabled -d 'Fail unless user namespaces are disabled'
complete -c sandbox -n '__sandbox_in_options' -l bind-fd -x -d 'Bind the descriptor FD on DEST'
complete -c sandbox -n '__sandbox_in_options' -l ro-bind-fd -x -d 'Bind the descriptor FD on DEST, read-only'
complete -c sandbox -n '__sandbox_in_options' -l mqueue -x -d 'Mount a new mqueue on DEST'
complete -c sandbox -n '__sandbox_in_options' -l file -x -d 'Copy the data of FD into DEST'
complete -c sandbox -n '__sandbox_in_options' -l bind-data -x -d 'Bind a copy of the data of FD on DEST'
complete -c sandbox -n '__sandbox_in_options' -l ro-bind-data -x -d 'Bind a copy of the data of FD on DEST, read-only'
complete -c sandbox -n '__sandbox_in_options' -l overlay-src -r -F -d 'Lower layer for the next overlay'
complete -c sandbox -n '__sandbox_in_options' -l overlay -x -d 'Overlay on DEST, writes to RWSRC'
complete -c sandbox -n '__sandbox_in_options' -l tmp-overlay -x -d 'Overlay on DEST, writes to an invisible tmpfs'
complete -c sandbox -n '__sandbox_in_options' -l ro-overlay -x -d 'Read-only overlay on DEST'
complete -c sandbox -n '__sandbox_in_options' -l seccomp -x -d 'Load a seccomp program from FD'
complete -c sandbox -n '__sandbox_in_options' -l add-seccomp-fd -x -d 'Add a seccomp program from FD'
complete -c sandbox -n '__sandbox_in_options' -l seccomp-profile -r -F -a 'default none' -d 'Syscall profile: default, none or a JSON file'
complete -c sandbox -n '__sandbox_in_options' -l seccomp-deny -x -d 'Make SYSCALL[:ERRNO] fail'
complete -c sandbox -n '__sandbox_in_options' -l seccomp-allow -x -d 'Take SYSCALL out of the denials'
complete -c sandbox -n '__sandbox_in_options' -l log-denials -r -F -d 'Log denied calls as JSON lines to FILE'
complete -c sandbox -n '__sandbox_in_options' -l deny -x -d 'Make PATH unreadable and unwritable, existing or not'
complete -c sandbox -n '__sandbox_in_options' -l no-landlock -d 'No Landlock layer'
complete -c sandbox -n '__sandbox_in_options' -l allow-tcp-connect -x -d 'TCP connect only to these ports'
complete -c sandbox -n '__sandbox_in_options' -l allow-tcp-bind -x -d 'TCP bind only to these ports'
complete -c sandbox -n '__sandbox_in_options' -l rlimit -x -a 'as= core= cpu= data= fsize= locks= memlock= msgqueue= nice= nofile= nproc= rtprio= sigpending= stack=' -d 'Resource limit NAME=SOFT[:HARD]'
complete -c sandbox -n '__sandbox_in_options' -l timeout -x -d 'SIGTERM to COMMAND after DURATION'
complete -c sandbox -n '__sandbox_in_options' -l kill-after -x -d 'SIGKILL to the sandbox after the timeout'
complete -c sandbox -n '__sandbox_in_options' -l time-offset -x -a 'monotonic= boottime=' -d 'Move a clock in a new time namespace'
complete -c sandbox -n '__sandbox_in_options' -l memory -x -d 'Memory limit of the sandbox (cgroup v2)'
complete -c sandbox -n '__sandbox_in_options' -l pids -x -d 'Process limit of the sandbox (cgroup v2)'
complete -c sandbox -n '__sandbox_in_options' -l cpus -x -d 'CPU limit of the sandbox (cgroup v2)'
complete -c sandbox -n '__sandbox_in_options' -l subids -d 'Map 1..N inside to your subordinate ids'
complete -c sandbox -n '__sandbox_in_options' -l network -x -a 'none host pasta' -d 'Network of the sandbox'
complete -c sandbox -n '__sandbox_in_options' -l publish -x -d 'With pasta: [ADDR:]HOSTPORT:PORT[/tcp|/udp]'
complete -c sandbox -n '__sandbox_in_options' -l netns -r -F -d 'Join an existing network namespace'
complete -c sandbox -n '__sandbox_in_options' -l name -x -d 'Register the running sandbox as NAME'
complete -c sandbox -n '__sandbox_in_options' -l list -d 'List your running sandboxes'
complete -c sandbox -n '__sandbox_in_options' -l join -x -a '(sandbox --list 2>/dev/null | tail -n +2 | string split -f 1 " ")' -d 'Run COMMAND inside a running sandbox'
complete -c sandbox -n '__sandbox_in_options' -l exec-label -x -d 'SELinux label for COMMAND'
complete -c sandbox -n '__sandbox_in_options' -l file-label -x -d 'SELinux label for new files'
complete -c sandbox -n '__sandbox_in_options' -l info-fd -x -d 'Write sandbox information to FD'
complete -c sandbox -n '__sandbox_in_options' -l json-status-fd -x -d 'Write JSON status lines to FD'
complete -c sandbox -n '__sandbox_in_options' -l block-fd -x -d 'Wait for data on FD before COMMAND'
complete -c sandbox -n '__sandbox_in_options' -l userns-block-fd -x -d 'Wait for data on FD once the user namespace exists'
complete -c sandbox -n '__sandbox_in_options' -l sync-fd -x -d 'Keep FD open while the sandbox runs'
complete -c sandbox -n '__sandbox_in_options' -l lock-file -x -d 'Hold a read lock on DEST'
complete -c sandbox -n '__sandbox_in_options' -a '(__fish_complete_command)'
complete -c sandbox -n 'not __sandbox_in_options' -a '(__fish_complete_subcommand)'
