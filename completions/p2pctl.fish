# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_p2pctl_global_optspecs
    string join \n o/output= context= config= endpoint= timeout= consistent no-headers h/help V/version
end

function __fish_p2pctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_p2pctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_p2pctl_using_subcommand
    set -l cmd (__fish_p2pctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c p2pctl -n "__fish_p2pctl_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_needs_command" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_needs_command" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_needs_command" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_needs_command" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_needs_command" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -s V -l version -d 'Print version'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "login" -d 'Sign in to a cluster and save the session as a context'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "logout" -d 'Revoke the current session\'s token and forget it'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "whoami" -d 'Show who the current context is signed in as'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "context" -d 'Manage saved contexts (server, pinned CA, credentials)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "nodes" -d 'List and inspect cluster nodes'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "user" -d 'Manage operator accounts (admin only)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "token" -d 'Join tokens that let new workers enrol (admin only)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "cert" -d 'Node and operator certificates: list, renew, revoke, issue'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "acme" -d 'The ACME server for workloads (certbot, lego, cert-manager...): binding keys, accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "svc" -d 'Supervised services anywhere in the cluster: list, inspect, start, stop, restart (operator role to change anything)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "logs" -d 'Log records of every node and service: query, or follow them as they are collected (any role). Ask a coordinator for the whole cluster; a worker answers for itself'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "cluster" -d 'Cluster-wide operations: gossip key rotation (admin), gossip counters'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "top" -d 'Every node\'s CPU, load, memory, disk and network, from its latest sample (any role). On a terminal the table follows the samples as the nodes push them (the live event stream) until Ctrl-C; otherwise, and with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd\'s own CPU and memory, and the number of services)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "events" -d 'Live events as they happen (any role): each node\'s metric samples, members\' state changes, service state and health changes, log records, certificates issued, renewed and revoked, and the coordinators\' leader. Without -f, prints the current state of what is asked for (latest samples, members, services, leader) and ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message as one JSON line: {"type", "time", "data"}'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "version" -d 'Print the client version, and the server\'s when signed in'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see the README)'
complete -c p2pctl -n "__fish_p2pctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l server -d 'A coordinator, as https://HOST:PORT (default: the current context\'s, trying its other coordinators too)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l ca-fingerprint -d 'SHA256 fingerprint of the cluster CA, as printed by `p2pd init`' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l user -d 'User name (default: the context\'s, else `admin`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l password-file -d 'File holding the password (else P2PCTL_PASSWORD, else a prompt)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l name -d 'Name to save the context under (default: the server\'s host_port)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -f -a "ls" -d 'List contexts; the current one is marked'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -f -a "use" -d 'Make a context current'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -f -a "current" -d 'Print the current context\'s name'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -f -a "rename" -d 'Give a context another name (it stays current if it was)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -f -a "rm" -d 'Delete a context, and the certificate and key files p2pctl wrote for it'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and not __fish_seen_subcommand_from ls use current rename rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from current" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List contexts; the current one is marked'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a context current'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "current" -d 'Print the current context\'s name'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Give a context another name (it stays current if it was)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete a context, and the certificate and key files p2pctl wrote for it'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -f -a "ls" -d 'List every node'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -f -a "show" -d 'Show one node'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -f -a "rm" -d 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and not __fish_seen_subcommand_from ls show rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -s w -l watch -d 'Keep watching: print the list again whenever it changes (Ctrl-C ends)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List every node'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one node'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand nodes; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -f -a "add" -d 'Create a user'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -f -a "ls" -d 'List users'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -f -a "rm" -d 'Delete a user'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -f -a "passwd" -d 'Set a user\'s password (admins: anyone\'s; others: their own, with the current one). Every session of the user ends'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -f -a "revoke-sessions" -d 'End every session (token) of a user (admins: anyone\'s; others: their own)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and not __fish_seen_subcommand_from add ls rm passwd revoke-sessions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l role -d 'admin, operator or viewer' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l password-file -d 'File holding the new user\'s password (else P2PCTL_NEW_PASSWORD, else a prompt)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l password-file -d 'File holding the new password (else P2PCTL_NEW_PASSWORD, else a prompt)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l current-password-file -d 'File holding your current password, when you change your own (else P2PCTL_PASSWORD, else a prompt; admins changing someone else\'s need none)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from revoke-sessions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create a user'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List users'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete a user'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Set a user\'s password (admins: anyone\'s; others: their own, with the current one). Every session of the user ends'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "revoke-sessions" -d 'End every session (token) of a user (admins: anyone\'s; others: their own)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -f -a "create" -d 'Create a join token and print it (shown only this once)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -f -a "ls" -d 'List join tokens (never their secrets)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -f -a "revoke" -d 'Refuse a token from now on'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and not __fish_seen_subcommand_from create ls revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l ttl -d 'How long the token stays valid, e.g. 30m, 1h, 7d (at most 30d)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l node-id -d 'Only a node of this name may join with it' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l uses -d 'How many nodes may join with it' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l coordinator -d 'The token enrols a coordinator (started with coordinator_mode: true), which receives the CA key and joins the coordinators\' Raft group'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a join token and print it (shown only this once)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List join tokens (never their secrets)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Refuse a token from now on'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "ls" -d 'Every node\'s current certificate: serial, SANs, expiry, days left, status'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "show" -d 'One node\'s current certificate'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "renew" -d 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "revoke" -d 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "crl" -d 'Save the CA\'s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "issue" -d 'Issue an operator client certificate: the key is generated here and never sent'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and not __fish_seen_subcommand_from ls show renew revoke crl issue help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l all -d 'Also superseded, expired and revoked certificates, and operator certificates'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l node -d 'Only this node (renewed whether due or not)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l force -d 'Every node, due or not'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l out -d 'Where to write it (replaced atomically); `-` for standard output' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l der -d 'DER instead of PEM'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from crl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l user -d 'User name the certificate names' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l role -d 'admin, operator or viewer' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l ttl -d 'Lifetime, e.g. 7d (default 30d)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l context-name -d 'Save a context under this name that signs in with the certificate (default: <user>-cert)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l force -d 'Replace a context of that name (and its certificate and key files)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "ls" -d 'Every node\'s current certificate: serial, SANs, expiry, days left, status'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "show" -d 'One node\'s current certificate'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "crl" -d 'Save the CA\'s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "issue" -d 'Issue an operator client certificate: the key is generated here and never sent'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -f -a "eab" -d 'External account binding keys: an ACME account can only be created with one'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -f -a "accounts" -d 'ACME accounts'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -f -a "certs" -d 'Workload certificates issued through ACME'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and not __fish_seen_subcommand_from eab accounts certs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -f -a "create" -d 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -f -a "ls" -d 'List binding keys (never their HMAC keys)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from eab" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -f -a "ls" -d 'Every account, its status, binding key, allowed names and valid certificates'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -f -a "deactivate" -d 'Refuse everything the account\'s key signs from now on (admin). Its certificates stay valid until revoked'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from accounts" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -f -a "ls" -d 'Valid workload certificates (SUBJECT is the account id)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from certs" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from help" -f -a "eab" -d 'External account binding keys: an ACME account can only be created with one'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from help" -f -a "accounts" -d 'ACME accounts'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from help" -f -a "certs" -d 'Workload certificates issued through ACME'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand acme; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "ls" -d 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "status" -d 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "start" -d 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "stop" -d 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "restart" -d 'Restart a service; waits until the new process runs and passes its health check'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "logs" -d 'The output of a service (every node running it, or --node): `p2pctl logs --service`'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and not __fish_seen_subcommand_from ls status start stop restart logs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l node -d 'Only the services of this node' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -s w -l watch -d 'Keep watching: print the list again whenever it changes (Ctrl-C ends)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l node -d 'Only on this node' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l node -d 'The node that runs it (required when several nodes do)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l wait -d 'How long to wait on each node for the service to reach the requested state' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l all -d 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l no-wait -d 'Return once the node has accepted the request, without waiting'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l node -d 'The node that runs it (required when several nodes do)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l wait -d 'How long to wait on each node for the service to reach the requested state' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l all -d 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l no-wait -d 'Return once the node has accepted the request, without waiting'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l node -d 'The node that runs it (required when several nodes do)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l wait -d 'How long to wait on each node for the service to reach the requested state' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l all -d 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l no-wait -d 'Return once the node has accepted the request, without waiting'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l node -d 'Only records of this node' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l level -d 'Minimum level: trace, debug, info, warn or error' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l since -d 'Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l until -d 'Only records until this long ago or this time' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l tail -d 'Print the newest N records (default 100, or 10 with --follow; at most 10000)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l grep -d 'Only records whose message matches this regular expression' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Keep printing records as they are collected (after the last --tail ones)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "ls" -d 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "status" -d 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart a service; waits until the new process runs and passes its health check'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "logs" -d 'The output of a service (every node running it, or --node): `p2pctl logs --service`'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand svc; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l service -d 'Only this service (`p2pd` for the agents\' own logs)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l node -d 'Only records of this node' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l level -d 'Minimum level: trace, debug, info, warn or error' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l since -d 'Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l until -d 'Only records until this long ago or this time' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l tail -d 'Print the newest N records (default 100, or 10 with --follow; at most 10000)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l grep -d 'Only records whose message matches this regular expression' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -s f -l follow -d 'Keep printing records as they are collected (after the last --tail ones)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -f -a "rotate-gossip-key" -d 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -f -a "gossip-stats" -d 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -f -a "coordinators" -d 'The coordinators\' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -f -a "limit-stats" -d 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -f -a "cache-stats" -d 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and not __fish_seen_subcommand_from rotate-gossip-key gossip-stats coordinators limit-stats cache-stats help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l force -d 'Remove the old key even if some members did not confirm the new one (they are cut off from gossip until they fetch the new keyring from a coordinator)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from rotate-gossip-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from gossip-stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -f -a "ls" -d 'List the coordinators (the default)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -f -a "remove" -d 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from coordinators" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from limit-stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from cache-stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "rotate-gossip-key" -d 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "gossip-stats" -d 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "coordinators" -d 'The coordinators\' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "limit-stats" -d 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "cache-stats" -d 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l type -d 'Only these types (repeat, or separate with commas): metrics, nodes, services, logs, certs, coordinators. Default: all' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l node -d 'Only events about this node' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l service -d 'Only this service\'s state changes and log lines' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l level -d 'Log records at this level or above: trace, debug, info, warn, error' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l grep -d 'Only log records whose message matches this regular expression' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -s f -l follow -d 'Keep printing events as they happen'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t'The first column (the names) only, one per line'"
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -l context -d 'Context to use instead of the current one' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -l config -d 'Configuration file (default: ~/.config/p2pctl/config.toml)' -r -F
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -l endpoint -d 'Send requests to this node (https://HOST:PORT) only, instead of the context\'s coordinators; the context\'s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -l timeout -d 'Request timeout: seconds, or a duration (10s, 2m)' -r
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -l consistent -d 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -l no-headers -d 'Tables without their header row'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "login" -d 'Sign in to a cluster and save the session as a context'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "logout" -d 'Revoke the current session\'s token and forget it'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "whoami" -d 'Show who the current context is signed in as'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "context" -d 'Manage saved contexts (server, pinned CA, credentials)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "nodes" -d 'List and inspect cluster nodes'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "user" -d 'Manage operator accounts (admin only)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "token" -d 'Join tokens that let new workers enrol (admin only)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "cert" -d 'Node and operator certificates: list, renew, revoke, issue'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "acme" -d 'The ACME server for workloads (certbot, lego, cert-manager...): binding keys, accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "svc" -d 'Supervised services anywhere in the cluster: list, inspect, start, stop, restart (operator role to change anything)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "logs" -d 'Log records of every node and service: query, or follow them as they are collected (any role). Ask a coordinator for the whole cluster; a worker answers for itself'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "cluster" -d 'Cluster-wide operations: gossip key rotation (admin), gossip counters'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "top" -d 'Every node\'s CPU, load, memory, disk and network, from its latest sample (any role). On a terminal the table follows the samples as the nodes push them (the live event stream) until Ctrl-C; otherwise, and with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd\'s own CPU and memory, and the number of services)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "events" -d 'Live events as they happen (any role): each node\'s metric samples, members\' state changes, service state and health changes, log records, certificates issued, renewed and revoked, and the coordinators\' leader. Without -f, prints the current state of what is asked for (latest samples, members, services, leader) and ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message as one JSON line: {"type", "time", "data"}'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "version" -d 'Print the client version, and the server\'s when signed in'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see the README)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami context nodes user token cert acme svc logs cluster top events version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "ls" -d 'List contexts; the current one is marked'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "use" -d 'Make a context current'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "current" -d 'Print the current context\'s name'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "rename" -d 'Give a context another name (it stays current if it was)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "rm" -d 'Delete a context, and the certificate and key files p2pctl wrote for it'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from nodes" -f -a "ls" -d 'List every node'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from nodes" -f -a "show" -d 'Show one node'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from nodes" -f -a "rm" -d 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "add" -d 'Create a user'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "ls" -d 'List users'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "rm" -d 'Delete a user'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "passwd" -d 'Set a user\'s password (admins: anyone\'s; others: their own, with the current one). Every session of the user ends'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "revoke-sessions" -d 'End every session (token) of a user (admins: anyone\'s; others: their own)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Create a join token and print it (shown only this once)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "ls" -d 'List join tokens (never their secrets)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Refuse a token from now on'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "ls" -d 'Every node\'s current certificate: serial, SANs, expiry, days left, status'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "show" -d 'One node\'s current certificate'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "renew" -d 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "revoke" -d 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "crl" -d 'Save the CA\'s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "issue" -d 'Issue an operator client certificate: the key is generated here and never sent'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from acme" -f -a "eab" -d 'External account binding keys: an ACME account can only be created with one'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from acme" -f -a "accounts" -d 'ACME accounts'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from acme" -f -a "certs" -d 'Workload certificates issued through ACME'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from svc" -f -a "ls" -d 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from svc" -f -a "status" -d 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from svc" -f -a "start" -d 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from svc" -f -a "stop" -d 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from svc" -f -a "restart" -d 'Restart a service; waits until the new process runs and passes its health check'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from svc" -f -a "logs" -d 'The output of a service (every node running it, or --node): `p2pctl logs --service`'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "rotate-gossip-key" -d 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "gossip-stats" -d 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "coordinators" -d 'The coordinators\' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "limit-stats" -d 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins'
complete -c p2pctl -n "__fish_p2pctl_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "cache-stats" -d 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values'
