
use builtin;
use str;

set edit:completion:arg-completer[p2pctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'p2pctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'p2pctl'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Sign in to a cluster and save the session as a context'
            cand logout 'Revoke the current session''s token and forget it'
            cand whoami 'Show who the current context is signed in as'
            cand context 'Manage saved contexts (server, pinned CA, credentials)'
            cand nodes 'List and inspect cluster nodes'
            cand user 'Manage operator accounts (admin only)'
            cand token 'Join tokens that let new workers enrol (admin only)'
            cand cert 'Node and operator certificates: list, renew, revoke, issue'
            cand acme 'The ACME server for workloads (certbot, lego, cert-manager...): binding keys, accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`'
            cand svc 'Supervised services anywhere in the cluster: list, inspect, start, stop, restart (operator role to change anything)'
            cand logs 'Log records of every node and service: query, or follow them as they are collected (any role). Ask a coordinator for the whole cluster; a worker answers for itself'
            cand cluster 'Cluster-wide operations: gossip key rotation (admin), gossip counters'
            cand top 'Every node''s CPU, load, memory, disk and network, from its latest sample (any role). On a terminal the table follows the samples as the nodes push them (the live event stream) until Ctrl-C; otherwise, and with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd''s own CPU and memory, and the number of services)'
            cand events 'Live events as they happen (any role): each node''s metric samples, members'' state changes, service state and health changes, log records, certificates issued, renewed and revoked, and the coordinators'' leader. Without -f, prints the current state of what is asked for (latest samples, members, services, leader) and ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message as one JSON line: {"type", "time", "data"}'
            cand version 'Print the client version, and the server''s when signed in'
            cand completion 'Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see the README)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;login'= {
            cand --server 'A coordinator, as https://HOST:PORT (default: the current context''s, trying its other coordinators too)'
            cand --ca-fingerprint 'SHA256 fingerprint of the cluster CA, as printed by `p2pd init`'
            cand --user 'User name (default: the context''s, else `admin`)'
            cand --password-file 'File holding the password (else P2PCTL_PASSWORD, else a prompt)'
            cand --name 'Name to save the context under (default: the server''s host_port)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;logout'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;whoami'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;context'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'List contexts; the current one is marked'
            cand use 'Make a context current'
            cand current 'Print the current context''s name'
            cand rename 'Give a context another name (it stays current if it was)'
            cand rm 'Delete a context, and the certificate and key files p2pctl wrote for it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;context;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;context;use'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;context;current'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;context;rename'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;context;rm'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;context;help'= {
            cand ls 'List contexts; the current one is marked'
            cand use 'Make a context current'
            cand current 'Print the current context''s name'
            cand rename 'Give a context another name (it stays current if it was)'
            cand rm 'Delete a context, and the certificate and key files p2pctl wrote for it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;context;help;ls'= {
        }
        &'p2pctl;context;help;use'= {
        }
        &'p2pctl;context;help;current'= {
        }
        &'p2pctl;context;help;rename'= {
        }
        &'p2pctl;context;help;rm'= {
        }
        &'p2pctl;context;help;help'= {
        }
        &'p2pctl;nodes'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'List every node'
            cand show 'Show one node'
            cand rm 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;nodes;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand -w 'Keep watching: print the list again whenever it changes (Ctrl-C ends)'
            cand --watch 'Keep watching: print the list again whenever it changes (Ctrl-C ends)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;nodes;show'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;nodes;rm'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;nodes;help'= {
            cand ls 'List every node'
            cand show 'Show one node'
            cand rm 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;nodes;help;ls'= {
        }
        &'p2pctl;nodes;help;show'= {
        }
        &'p2pctl;nodes;help;rm'= {
        }
        &'p2pctl;nodes;help;help'= {
        }
        &'p2pctl;user'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand add 'Create a user'
            cand ls 'List users'
            cand rm 'Delete a user'
            cand passwd 'Set a user''s password (admins: anyone''s; others: their own, with the current one). Every session of the user ends'
            cand revoke-sessions 'End every session (token) of a user (admins: anyone''s; others: their own)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;user;add'= {
            cand --role 'admin, operator or viewer'
            cand --password-file 'File holding the new user''s password (else P2PCTL_NEW_PASSWORD, else a prompt)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;user;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;user;rm'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;user;passwd'= {
            cand --password-file 'File holding the new password (else P2PCTL_NEW_PASSWORD, else a prompt)'
            cand --current-password-file 'File holding your current password, when you change your own (else P2PCTL_PASSWORD, else a prompt; admins changing someone else''s need none)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;user;revoke-sessions'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;user;help'= {
            cand add 'Create a user'
            cand ls 'List users'
            cand rm 'Delete a user'
            cand passwd 'Set a user''s password (admins: anyone''s; others: their own, with the current one). Every session of the user ends'
            cand revoke-sessions 'End every session (token) of a user (admins: anyone''s; others: their own)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;user;help;add'= {
        }
        &'p2pctl;user;help;ls'= {
        }
        &'p2pctl;user;help;rm'= {
        }
        &'p2pctl;user;help;passwd'= {
        }
        &'p2pctl;user;help;revoke-sessions'= {
        }
        &'p2pctl;user;help;help'= {
        }
        &'p2pctl;token'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Create a join token and print it (shown only this once)'
            cand ls 'List join tokens (never their secrets)'
            cand revoke 'Refuse a token from now on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;token;create'= {
            cand --ttl 'How long the token stays valid, e.g. 30m, 1h, 7d (at most 30d)'
            cand --node-id 'Only a node of this name may join with it'
            cand --uses 'How many nodes may join with it'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --coordinator 'The token enrols a coordinator (started with coordinator_mode: true), which receives the CA key and joins the coordinators'' Raft group'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;token;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;token;revoke'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;token;help'= {
            cand create 'Create a join token and print it (shown only this once)'
            cand ls 'List join tokens (never their secrets)'
            cand revoke 'Refuse a token from now on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;token;help;create'= {
        }
        &'p2pctl;token;help;ls'= {
        }
        &'p2pctl;token;help;revoke'= {
        }
        &'p2pctl;token;help;help'= {
        }
        &'p2pctl;cert'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'Every node''s current certificate: serial, SANs, expiry, days left, status'
            cand show 'One node''s current certificate'
            cand renew 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due'
            cand revoke 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections'
            cand crl 'Save the CA''s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily'
            cand issue 'Issue an operator client certificate: the key is generated here and never sent'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;cert;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --all 'Also superseded, expired and revoked certificates, and operator certificates'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cert;show'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cert;renew'= {
            cand --node 'Only this node (renewed whether due or not)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --force 'Every node, due or not'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cert;revoke'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cert;crl'= {
            cand --out 'Where to write it (replaced atomically); `-` for standard output'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --der 'DER instead of PEM'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cert;issue'= {
            cand --user 'User name the certificate names'
            cand --role 'admin, operator or viewer'
            cand --ttl 'Lifetime, e.g. 7d (default 30d)'
            cand --context-name 'Save a context under this name that signs in with the certificate (default: <user>-cert)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --force 'Replace a context of that name (and its certificate and key files)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cert;help'= {
            cand ls 'Every node''s current certificate: serial, SANs, expiry, days left, status'
            cand show 'One node''s current certificate'
            cand renew 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due'
            cand revoke 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections'
            cand crl 'Save the CA''s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily'
            cand issue 'Issue an operator client certificate: the key is generated here and never sent'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;cert;help;ls'= {
        }
        &'p2pctl;cert;help;show'= {
        }
        &'p2pctl;cert;help;renew'= {
        }
        &'p2pctl;cert;help;revoke'= {
        }
        &'p2pctl;cert;help;crl'= {
        }
        &'p2pctl;cert;help;issue'= {
        }
        &'p2pctl;cert;help;help'= {
        }
        &'p2pctl;acme'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand eab 'External account binding keys: an ACME account can only be created with one'
            cand accounts 'ACME accounts'
            cand certs 'Workload certificates issued through ACME'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;eab'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)'
            cand ls 'List binding keys (never their HMAC keys)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;eab;create'= {
            cand --names 'What the account may get certificates for, comma-separated: DNS names, `*.suffix` (any name under it), `*` (any DNS name), IP addresses and CIDRs such as 10.0.0.0/8'
            cand --ttl 'How long the key can bind an account (at most 30d)'
            cand --max-validity 'Longest validity of a certificate the account gets (1h to 398d)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;acme;eab;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;acme;eab;help'= {
            cand create 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)'
            cand ls 'List binding keys (never their HMAC keys)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;eab;help;create'= {
        }
        &'p2pctl;acme;eab;help;ls'= {
        }
        &'p2pctl;acme;eab;help;help'= {
        }
        &'p2pctl;acme;accounts'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'Every account, its status, binding key, allowed names and valid certificates'
            cand deactivate 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;accounts;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;acme;accounts;deactivate'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;acme;accounts;help'= {
            cand ls 'Every account, its status, binding key, allowed names and valid certificates'
            cand deactivate 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;accounts;help;ls'= {
        }
        &'p2pctl;acme;accounts;help;deactivate'= {
        }
        &'p2pctl;acme;accounts;help;help'= {
        }
        &'p2pctl;acme;certs'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'Valid workload certificates (SUBJECT is the account id)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;certs;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --all 'Also expired and revoked ones'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;acme;certs;help'= {
            cand ls 'Valid workload certificates (SUBJECT is the account id)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;certs;help;ls'= {
        }
        &'p2pctl;acme;certs;help;help'= {
        }
        &'p2pctl;acme;help'= {
            cand eab 'External account binding keys: an ACME account can only be created with one'
            cand accounts 'ACME accounts'
            cand certs 'Workload certificates issued through ACME'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;acme;help;eab'= {
            cand create 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)'
            cand ls 'List binding keys (never their HMAC keys)'
        }
        &'p2pctl;acme;help;eab;create'= {
        }
        &'p2pctl;acme;help;eab;ls'= {
        }
        &'p2pctl;acme;help;accounts'= {
            cand ls 'Every account, its status, binding key, allowed names and valid certificates'
            cand deactivate 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked'
        }
        &'p2pctl;acme;help;accounts;ls'= {
        }
        &'p2pctl;acme;help;accounts;deactivate'= {
        }
        &'p2pctl;acme;help;certs'= {
            cand ls 'Valid workload certificates (SUBJECT is the account id)'
        }
        &'p2pctl;acme;help;certs;ls'= {
        }
        &'p2pctl;acme;help;help'= {
        }
        &'p2pctl;svc'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr'
            cand status 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer'
            cand start 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check'
            cand stop 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited'
            cand restart 'Restart a service; waits until the new process runs and passes its health check'
            cand logs 'The output of a service (every node running it, or --node): `p2pctl logs --service`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;svc;ls'= {
            cand --node 'Only the services of this node'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand -w 'Keep watching: print the list again whenever it changes (Ctrl-C ends)'
            cand --watch 'Keep watching: print the list again whenever it changes (Ctrl-C ends)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;svc;status'= {
            cand --node 'Only on this node'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;svc;start'= {
            cand --node 'The node that runs it (required when several nodes do)'
            cand --wait 'How long to wait on each node for the service to reach the requested state'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --all 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end'
            cand --no-wait 'Return once the node has accepted the request, without waiting'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;svc;stop'= {
            cand --node 'The node that runs it (required when several nodes do)'
            cand --wait 'How long to wait on each node for the service to reach the requested state'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --all 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end'
            cand --no-wait 'Return once the node has accepted the request, without waiting'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;svc;restart'= {
            cand --node 'The node that runs it (required when several nodes do)'
            cand --wait 'How long to wait on each node for the service to reach the requested state'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --all 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end'
            cand --no-wait 'Return once the node has accepted the request, without waiting'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;svc;logs'= {
            cand --node 'Only records of this node'
            cand --level 'Minimum level: trace, debug, info, warn or error'
            cand --since 'Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339)'
            cand --until 'Only records until this long ago or this time'
            cand --tail 'Print the newest N records (default 100, or 10 with --follow; at most 10000)'
            cand --grep 'Only records whose message matches this regular expression'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand -f 'Keep printing records as they are collected (after the last --tail ones)'
            cand --follow 'Keep printing records as they are collected (after the last --tail ones)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;svc;help'= {
            cand ls 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr'
            cand status 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer'
            cand start 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check'
            cand stop 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited'
            cand restart 'Restart a service; waits until the new process runs and passes its health check'
            cand logs 'The output of a service (every node running it, or --node): `p2pctl logs --service`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;svc;help;ls'= {
        }
        &'p2pctl;svc;help;status'= {
        }
        &'p2pctl;svc;help;start'= {
        }
        &'p2pctl;svc;help;stop'= {
        }
        &'p2pctl;svc;help;restart'= {
        }
        &'p2pctl;svc;help;logs'= {
        }
        &'p2pctl;svc;help;help'= {
        }
        &'p2pctl;logs'= {
            cand --service 'Only this service (`p2pd` for the agents'' own logs)'
            cand --node 'Only records of this node'
            cand --level 'Minimum level: trace, debug, info, warn or error'
            cand --since 'Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339)'
            cand --until 'Only records until this long ago or this time'
            cand --tail 'Print the newest N records (default 100, or 10 with --follow; at most 10000)'
            cand --grep 'Only records whose message matches this regular expression'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand -f 'Keep printing records as they are collected (after the last --tail ones)'
            cand --follow 'Keep printing records as they are collected (after the last --tail ones)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand rotate-gossip-key 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)'
            cand gossip-stats 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed'
            cand coordinators 'The coordinators'' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)'
            cand limit-stats 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins'
            cand cache-stats 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;cluster;rotate-gossip-key'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --force 'Remove the old key even if some members did not confirm the new one (they are cut off from gossip until they fetch the new keyring from a coordinator)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster;gossip-stats'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster;coordinators'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand ls 'List the coordinators (the default)'
            cand remove 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;cluster;coordinators;ls'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster;coordinators;remove'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster;coordinators;help'= {
            cand ls 'List the coordinators (the default)'
            cand remove 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;cluster;coordinators;help;ls'= {
        }
        &'p2pctl;cluster;coordinators;help;remove'= {
        }
        &'p2pctl;cluster;coordinators;help;help'= {
        }
        &'p2pctl;cluster;limit-stats'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster;cache-stats'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;cluster;help'= {
            cand rotate-gossip-key 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)'
            cand gossip-stats 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed'
            cand coordinators 'The coordinators'' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)'
            cand limit-stats 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins'
            cand cache-stats 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;cluster;help;rotate-gossip-key'= {
        }
        &'p2pctl;cluster;help;gossip-stats'= {
        }
        &'p2pctl;cluster;help;coordinators'= {
            cand ls 'List the coordinators (the default)'
            cand remove 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed'
        }
        &'p2pctl;cluster;help;coordinators;ls'= {
        }
        &'p2pctl;cluster;help;coordinators;remove'= {
        }
        &'p2pctl;cluster;help;limit-stats'= {
        }
        &'p2pctl;cluster;help;cache-stats'= {
        }
        &'p2pctl;cluster;help;help'= {
        }
        &'p2pctl;top'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;events'= {
            cand --type 'Only these types (repeat, or separate with commas): metrics, nodes, services, logs, certs, coordinators. Default: all'
            cand --node 'Only events about this node'
            cand --service 'Only this service''s state changes and log lines'
            cand --level 'Log records at this level or above: trace, debug, info, warn, error'
            cand --grep 'Only log records whose message matches this regular expression'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand -f 'Keep printing events as they happen'
            cand --follow 'Keep printing events as they happen'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;version'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;completion'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --context 'Context to use instead of the current one'
            cand --config 'Configuration file (default: ~/.config/p2pctl/config.toml)'
            cand --endpoint 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)'
            cand --timeout 'Request timeout: seconds, or a duration (10s, 2m)'
            cand --consistent 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)'
            cand --no-headers 'Tables without their header row'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'p2pctl;help'= {
            cand login 'Sign in to a cluster and save the session as a context'
            cand logout 'Revoke the current session''s token and forget it'
            cand whoami 'Show who the current context is signed in as'
            cand context 'Manage saved contexts (server, pinned CA, credentials)'
            cand nodes 'List and inspect cluster nodes'
            cand user 'Manage operator accounts (admin only)'
            cand token 'Join tokens that let new workers enrol (admin only)'
            cand cert 'Node and operator certificates: list, renew, revoke, issue'
            cand acme 'The ACME server for workloads (certbot, lego, cert-manager...): binding keys, accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`'
            cand svc 'Supervised services anywhere in the cluster: list, inspect, start, stop, restart (operator role to change anything)'
            cand logs 'Log records of every node and service: query, or follow them as they are collected (any role). Ask a coordinator for the whole cluster; a worker answers for itself'
            cand cluster 'Cluster-wide operations: gossip key rotation (admin), gossip counters'
            cand top 'Every node''s CPU, load, memory, disk and network, from its latest sample (any role). On a terminal the table follows the samples as the nodes push them (the live event stream) until Ctrl-C; otherwise, and with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd''s own CPU and memory, and the number of services)'
            cand events 'Live events as they happen (any role): each node''s metric samples, members'' state changes, service state and health changes, log records, certificates issued, renewed and revoked, and the coordinators'' leader. Without -f, prints the current state of what is asked for (latest samples, members, services, leader) and ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message as one JSON line: {"type", "time", "data"}'
            cand version 'Print the client version, and the server''s when signed in'
            cand completion 'Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see the README)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'p2pctl;help;login'= {
        }
        &'p2pctl;help;logout'= {
        }
        &'p2pctl;help;whoami'= {
        }
        &'p2pctl;help;context'= {
            cand ls 'List contexts; the current one is marked'
            cand use 'Make a context current'
            cand current 'Print the current context''s name'
            cand rename 'Give a context another name (it stays current if it was)'
            cand rm 'Delete a context, and the certificate and key files p2pctl wrote for it'
        }
        &'p2pctl;help;context;ls'= {
        }
        &'p2pctl;help;context;use'= {
        }
        &'p2pctl;help;context;current'= {
        }
        &'p2pctl;help;context;rename'= {
        }
        &'p2pctl;help;context;rm'= {
        }
        &'p2pctl;help;nodes'= {
            cand ls 'List every node'
            cand show 'Show one node'
            cand rm 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual'
        }
        &'p2pctl;help;nodes;ls'= {
        }
        &'p2pctl;help;nodes;show'= {
        }
        &'p2pctl;help;nodes;rm'= {
        }
        &'p2pctl;help;user'= {
            cand add 'Create a user'
            cand ls 'List users'
            cand rm 'Delete a user'
            cand passwd 'Set a user''s password (admins: anyone''s; others: their own, with the current one). Every session of the user ends'
            cand revoke-sessions 'End every session (token) of a user (admins: anyone''s; others: their own)'
        }
        &'p2pctl;help;user;add'= {
        }
        &'p2pctl;help;user;ls'= {
        }
        &'p2pctl;help;user;rm'= {
        }
        &'p2pctl;help;user;passwd'= {
        }
        &'p2pctl;help;user;revoke-sessions'= {
        }
        &'p2pctl;help;token'= {
            cand create 'Create a join token and print it (shown only this once)'
            cand ls 'List join tokens (never their secrets)'
            cand revoke 'Refuse a token from now on'
        }
        &'p2pctl;help;token;create'= {
        }
        &'p2pctl;help;token;ls'= {
        }
        &'p2pctl;help;token;revoke'= {
        }
        &'p2pctl;help;cert'= {
            cand ls 'Every node''s current certificate: serial, SANs, expiry, days left, status'
            cand show 'One node''s current certificate'
            cand renew 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due'
            cand revoke 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections'
            cand crl 'Save the CA''s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily'
            cand issue 'Issue an operator client certificate: the key is generated here and never sent'
        }
        &'p2pctl;help;cert;ls'= {
        }
        &'p2pctl;help;cert;show'= {
        }
        &'p2pctl;help;cert;renew'= {
        }
        &'p2pctl;help;cert;revoke'= {
        }
        &'p2pctl;help;cert;crl'= {
        }
        &'p2pctl;help;cert;issue'= {
        }
        &'p2pctl;help;acme'= {
            cand eab 'External account binding keys: an ACME account can only be created with one'
            cand accounts 'ACME accounts'
            cand certs 'Workload certificates issued through ACME'
        }
        &'p2pctl;help;acme;eab'= {
            cand create 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)'
            cand ls 'List binding keys (never their HMAC keys)'
        }
        &'p2pctl;help;acme;eab;create'= {
        }
        &'p2pctl;help;acme;eab;ls'= {
        }
        &'p2pctl;help;acme;accounts'= {
            cand ls 'Every account, its status, binding key, allowed names and valid certificates'
            cand deactivate 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked'
        }
        &'p2pctl;help;acme;accounts;ls'= {
        }
        &'p2pctl;help;acme;accounts;deactivate'= {
        }
        &'p2pctl;help;acme;certs'= {
            cand ls 'Valid workload certificates (SUBJECT is the account id)'
        }
        &'p2pctl;help;acme;certs;ls'= {
        }
        &'p2pctl;help;svc'= {
            cand ls 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr'
            cand status 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer'
            cand start 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check'
            cand stop 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited'
            cand restart 'Restart a service; waits until the new process runs and passes its health check'
            cand logs 'The output of a service (every node running it, or --node): `p2pctl logs --service`'
        }
        &'p2pctl;help;svc;ls'= {
        }
        &'p2pctl;help;svc;status'= {
        }
        &'p2pctl;help;svc;start'= {
        }
        &'p2pctl;help;svc;stop'= {
        }
        &'p2pctl;help;svc;restart'= {
        }
        &'p2pctl;help;svc;logs'= {
        }
        &'p2pctl;help;logs'= {
        }
        &'p2pctl;help;cluster'= {
            cand rotate-gossip-key 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)'
            cand gossip-stats 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed'
            cand coordinators 'The coordinators'' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)'
            cand limit-stats 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins'
            cand cache-stats 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values'
        }
        &'p2pctl;help;cluster;rotate-gossip-key'= {
        }
        &'p2pctl;help;cluster;gossip-stats'= {
        }
        &'p2pctl;help;cluster;coordinators'= {
            cand ls 'List the coordinators (the default)'
            cand remove 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed'
        }
        &'p2pctl;help;cluster;coordinators;ls'= {
        }
        &'p2pctl;help;cluster;coordinators;remove'= {
        }
        &'p2pctl;help;cluster;limit-stats'= {
        }
        &'p2pctl;help;cluster;cache-stats'= {
        }
        &'p2pctl;help;top'= {
        }
        &'p2pctl;help;events'= {
        }
        &'p2pctl;help;version'= {
        }
        &'p2pctl;help;completion'= {
        }
        &'p2pctl;help;help'= {
        }
    ]
    $completions[$command]
}
