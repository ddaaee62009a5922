
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'p2pctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'p2pctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'p2pctl' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in to a cluster and save the session as a context')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke the current session''s token and forget it')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show who the current context is signed in as')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Manage saved contexts (server, pinned CA, credentials)')
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List and inspect cluster nodes')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage operator accounts (admin only)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Join tokens that let new workers enrol (admin only)')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Node and operator certificates: list, renew, revoke, issue')
            [CompletionResult]::new('acme', 'acme', [CompletionResultType]::ParameterValue, 'The ACME server for workloads (certbot, lego, cert-manager...): binding keys, accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`')
            [CompletionResult]::new('svc', 'svc', [CompletionResultType]::ParameterValue, 'Supervised services anywhere in the cluster: list, inspect, start, stop, restart (operator role to change anything)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Log records of every node and service: query, or follow them as they are collected (any role). Ask a coordinator for the whole cluster; a worker answers for itself')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Cluster-wide operations: gossip key rotation (admin), gossip counters')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Every node''s CPU, load, memory, disk and network, from its latest sample (any role). On a terminal the table follows the samples as the nodes push them (the live event stream) until Ctrl-C; otherwise, and with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd''s own CPU and memory, and the number of services)')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Live events as they happen (any role): each node''s metric samples, members'' state changes, service state and health changes, log records, certificates issued, renewed and revoked, and the coordinators'' leader. Without -f, prints the current state of what is asked for (latest samples, members, services, leader) and ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message as one JSON line: {"type", "time", "data"}')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version, and the server''s when signed in')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see the README)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;login' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'A coordinator, as https://HOST:PORT (default: the current context''s, trying its other coordinators too)')
            [CompletionResult]::new('--ca-fingerprint', '--ca-fingerprint', [CompletionResultType]::ParameterName, 'SHA256 fingerprint of the cluster CA, as printed by `p2pd init`')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name (default: the context''s, else `admin`)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File holding the password (else P2PCTL_PASSWORD, else a prompt)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name to save the context under (default: the server''s host_port)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;logout' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;whoami' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;context' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List contexts; the current one is marked')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context current')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the current context''s name')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a context another name (it stays current if it was)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a context, and the certificate and key files p2pctl wrote for it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;context;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;context;use' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;context;current' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;context;rename' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;context;rm' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;context;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List contexts; the current one is marked')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context current')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the current context''s name')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a context another name (it stays current if it was)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a context, and the certificate and key files p2pctl wrote for it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;context;help;ls' {
            break
        }
        'p2pctl;context;help;use' {
            break
        }
        'p2pctl;context;help;current' {
            break
        }
        'p2pctl;context;help;rename' {
            break
        }
        'p2pctl;context;help;rm' {
            break
        }
        'p2pctl;context;help;help' {
            break
        }
        'p2pctl;nodes' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every node')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one node')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;nodes;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: print the list again whenever it changes (Ctrl-C ends)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: print the list again whenever it changes (Ctrl-C ends)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;nodes;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;nodes;rm' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;nodes;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every node')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one node')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;nodes;help;ls' {
            break
        }
        'p2pctl;nodes;help;show' {
            break
        }
        'p2pctl;nodes;help;rm' {
            break
        }
        'p2pctl;nodes;help;help' {
            break
        }
        'p2pctl;user' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a user')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List users')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a user')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Set a user''s password (admins: anyone''s; others: their own, with the current one). Every session of the user ends')
            [CompletionResult]::new('revoke-sessions', 'revoke-sessions', [CompletionResultType]::ParameterValue, 'End every session (token) of a user (admins: anyone''s; others: their own)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;user;add' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'admin, operator or viewer')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File holding the new user''s password (else P2PCTL_NEW_PASSWORD, else a prompt)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;user;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;user;rm' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;user;passwd' {
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'File holding the new password (else P2PCTL_NEW_PASSWORD, else a prompt)')
            [CompletionResult]::new('--current-password-file', '--current-password-file', [CompletionResultType]::ParameterName, 'File holding your current password, when you change your own (else P2PCTL_PASSWORD, else a prompt; admins changing someone else''s need none)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;user;revoke-sessions' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;user;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a user')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List users')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a user')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Set a user''s password (admins: anyone''s; others: their own, with the current one). Every session of the user ends')
            [CompletionResult]::new('revoke-sessions', 'revoke-sessions', [CompletionResultType]::ParameterValue, 'End every session (token) of a user (admins: anyone''s; others: their own)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;user;help;add' {
            break
        }
        'p2pctl;user;help;ls' {
            break
        }
        'p2pctl;user;help;rm' {
            break
        }
        'p2pctl;user;help;passwd' {
            break
        }
        'p2pctl;user;help;revoke-sessions' {
            break
        }
        'p2pctl;user;help;help' {
            break
        }
        'p2pctl;token' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a join token and print it (shown only this once)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List join tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Refuse a token from now on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;token;create' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the token stays valid, e.g. 30m, 1h, 7d (at most 30d)')
            [CompletionResult]::new('--node-id', '--node-id', [CompletionResultType]::ParameterName, 'Only a node of this name may join with it')
            [CompletionResult]::new('--uses', '--uses', [CompletionResultType]::ParameterName, 'How many nodes may join with it')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--coordinator', '--coordinator', [CompletionResultType]::ParameterName, 'The token enrols a coordinator (started with coordinator_mode: true), which receives the CA key and joins the coordinators'' Raft group')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;token;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;token;revoke' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;token;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a join token and print it (shown only this once)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List join tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Refuse a token from now on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;token;help;create' {
            break
        }
        'p2pctl;token;help;ls' {
            break
        }
        'p2pctl;token;help;revoke' {
            break
        }
        'p2pctl;token;help;help' {
            break
        }
        'p2pctl;cert' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every node''s current certificate: serial, SANs, expiry, days left, status')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One node''s current certificate')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Save the CA''s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue an operator client certificate: the key is generated here and never sent')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;cert;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also superseded, expired and revoked certificates, and operator certificates')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cert;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cert;renew' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only this node (renewed whether due or not)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Every node, due or not')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cert;revoke' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cert;crl' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write it (replaced atomically); `-` for standard output')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--der', '--der', [CompletionResultType]::ParameterName, 'DER instead of PEM')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cert;issue' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name the certificate names')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'admin, operator or viewer')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lifetime, e.g. 7d (default 30d)')
            [CompletionResult]::new('--context-name', '--context-name', [CompletionResultType]::ParameterName, 'Save a context under this name that signs in with the certificate (default: <user>-cert)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a context of that name (and its certificate and key files)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cert;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every node''s current certificate: serial, SANs, expiry, days left, status')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One node''s current certificate')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Save the CA''s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue an operator client certificate: the key is generated here and never sent')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;cert;help;ls' {
            break
        }
        'p2pctl;cert;help;show' {
            break
        }
        'p2pctl;cert;help;renew' {
            break
        }
        'p2pctl;cert;help;revoke' {
            break
        }
        'p2pctl;cert;help;crl' {
            break
        }
        'p2pctl;cert;help;issue' {
            break
        }
        'p2pctl;cert;help;help' {
            break
        }
        'p2pctl;acme' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('eab', 'eab', [CompletionResultType]::ParameterValue, 'External account binding keys: an ACME account can only be created with one')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'ACME accounts')
            [CompletionResult]::new('certs', 'certs', [CompletionResultType]::ParameterValue, 'Workload certificates issued through ACME')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;eab' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List binding keys (never their HMAC keys)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;eab;create' {
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'What the account may get certificates for, comma-separated: DNS names, `*.suffix` (any name under it), `*` (any DNS name), IP addresses and CIDRs such as 10.0.0.0/8')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the key can bind an account (at most 30d)')
            [CompletionResult]::new('--max-validity', '--max-validity', [CompletionResultType]::ParameterName, 'Longest validity of a certificate the account gets (1h to 398d)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;acme;eab;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;acme;eab;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List binding keys (never their HMAC keys)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;eab;help;create' {
            break
        }
        'p2pctl;acme;eab;help;ls' {
            break
        }
        'p2pctl;acme;eab;help;help' {
            break
        }
        'p2pctl;acme;accounts' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every account, its status, binding key, allowed names and valid certificates')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;accounts;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;acme;accounts;deactivate' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;acme;accounts;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every account, its status, binding key, allowed names and valid certificates')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;accounts;help;ls' {
            break
        }
        'p2pctl;acme;accounts;help;deactivate' {
            break
        }
        'p2pctl;acme;accounts;help;help' {
            break
        }
        'p2pctl;acme;certs' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Valid workload certificates (SUBJECT is the account id)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;certs;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also expired and revoked ones')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;acme;certs;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Valid workload certificates (SUBJECT is the account id)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;certs;help;ls' {
            break
        }
        'p2pctl;acme;certs;help;help' {
            break
        }
        'p2pctl;acme;help' {
            [CompletionResult]::new('eab', 'eab', [CompletionResultType]::ParameterValue, 'External account binding keys: an ACME account can only be created with one')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'ACME accounts')
            [CompletionResult]::new('certs', 'certs', [CompletionResultType]::ParameterValue, 'Workload certificates issued through ACME')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;acme;help;eab' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List binding keys (never their HMAC keys)')
            break
        }
        'p2pctl;acme;help;eab;create' {
            break
        }
        'p2pctl;acme;help;eab;ls' {
            break
        }
        'p2pctl;acme;help;accounts' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every account, its status, binding key, allowed names and valid certificates')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked')
            break
        }
        'p2pctl;acme;help;accounts;ls' {
            break
        }
        'p2pctl;acme;help;accounts;deactivate' {
            break
        }
        'p2pctl;acme;help;certs' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Valid workload certificates (SUBJECT is the account id)')
            break
        }
        'p2pctl;acme;help;certs;ls' {
            break
        }
        'p2pctl;acme;help;help' {
            break
        }
        'p2pctl;svc' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart a service; waits until the new process runs and passes its health check')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The output of a service (every node running it, or --node): `p2pctl logs --service`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;svc;ls' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only the services of this node')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching: print the list again whenever it changes (Ctrl-C ends)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: print the list again whenever it changes (Ctrl-C ends)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;svc;status' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only on this node')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;svc;start' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'The node that runs it (required when several nodes do)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait on each node for the service to reach the requested state')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the node has accepted the request, without waiting')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;svc;stop' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'The node that runs it (required when several nodes do)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait on each node for the service to reach the requested state')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the node has accepted the request, without waiting')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;svc;restart' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'The node that runs it (required when several nodes do)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait on each node for the service to reach the requested state')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every node that runs it, one at a time: each must be back (running and healthy) before the next is touched; stops at the first failure. Progress bar on a terminal, per-node summary at the end')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the node has accepted the request, without waiting')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;svc;logs' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only records of this node')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Minimum level: trace, debug, info, warn or error')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only records until this long ago or this time')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Print the newest N records (default 100, or 10 with --follow; at most 10000)')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only records whose message matches this regular expression')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing records as they are collected (after the last --tail ones)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing records as they are collected (after the last --tail ones)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;svc;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart a service; waits until the new process runs and passes its health check')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The output of a service (every node running it, or --node): `p2pctl logs --service`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;svc;help;ls' {
            break
        }
        'p2pctl;svc;help;status' {
            break
        }
        'p2pctl;svc;help;start' {
            break
        }
        'p2pctl;svc;help;stop' {
            break
        }
        'p2pctl;svc;help;restart' {
            break
        }
        'p2pctl;svc;help;logs' {
            break
        }
        'p2pctl;svc;help;help' {
            break
        }
        'p2pctl;logs' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (`p2pd` for the agents'' own logs)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only records of this node')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Minimum level: trace, debug, info, warn or error')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only records until this long ago or this time')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Print the newest N records (default 100, or 10 with --follow; at most 10000)')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only records whose message matches this regular expression')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing records as they are collected (after the last --tail ones)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing records as they are collected (after the last --tail ones)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('rotate-gossip-key', 'rotate-gossip-key', [CompletionResultType]::ParameterValue, 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)')
            [CompletionResult]::new('gossip-stats', 'gossip-stats', [CompletionResultType]::ParameterValue, 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed')
            [CompletionResult]::new('coordinators', 'coordinators', [CompletionResultType]::ParameterValue, 'The coordinators'' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)')
            [CompletionResult]::new('limit-stats', 'limit-stats', [CompletionResultType]::ParameterValue, 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins')
            [CompletionResult]::new('cache-stats', 'cache-stats', [CompletionResultType]::ParameterValue, 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;cluster;rotate-gossip-key' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove the old key even if some members did not confirm the new one (they are cut off from gossip until they fetch the new keyring from a coordinator)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster;gossip-stats' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster;coordinators' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the coordinators (the default)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;cluster;coordinators;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster;coordinators;remove' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster;coordinators;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the coordinators (the default)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;cluster;coordinators;help;ls' {
            break
        }
        'p2pctl;cluster;coordinators;help;remove' {
            break
        }
        'p2pctl;cluster;coordinators;help;help' {
            break
        }
        'p2pctl;cluster;limit-stats' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster;cache-stats' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;cluster;help' {
            [CompletionResult]::new('rotate-gossip-key', 'rotate-gossip-key', [CompletionResultType]::ParameterValue, 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)')
            [CompletionResult]::new('gossip-stats', 'gossip-stats', [CompletionResultType]::ParameterValue, 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed')
            [CompletionResult]::new('coordinators', 'coordinators', [CompletionResultType]::ParameterValue, 'The coordinators'' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)')
            [CompletionResult]::new('limit-stats', 'limit-stats', [CompletionResultType]::ParameterValue, 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins')
            [CompletionResult]::new('cache-stats', 'cache-stats', [CompletionResultType]::ParameterValue, 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;cluster;help;rotate-gossip-key' {
            break
        }
        'p2pctl;cluster;help;gossip-stats' {
            break
        }
        'p2pctl;cluster;help;coordinators' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the coordinators (the default)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed')
            break
        }
        'p2pctl;cluster;help;coordinators;ls' {
            break
        }
        'p2pctl;cluster;help;coordinators;remove' {
            break
        }
        'p2pctl;cluster;help;limit-stats' {
            break
        }
        'p2pctl;cluster;help;cache-stats' {
            break
        }
        'p2pctl;cluster;help;help' {
            break
        }
        'p2pctl;top' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;events' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these types (repeat, or separate with commas): metrics, nodes, services, logs, certs, coordinators. Default: all')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only events about this node')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service''s state changes and log lines')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Log records at this level or above: trace, debug, info, warn, error')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only log records whose message matches this regular expression')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing events as they happen')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing events as they happen')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;version' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;completion' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context to use instead of the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ~/.config/p2pctl/config.toml)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Send requests to this node (https://HOST:PORT) only, instead of the context''s coordinators; the context''s CA pin and credentials apply. Any coordinator answers everything; a worker answers `nodes ls`, its own services and logs, and only to an operator-certificate context (`cert issue`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout: seconds, or a duration (10s, 2m)')
            [CompletionResult]::new('--consistent', '--consistent', [CompletionResultType]::ParameterName, 'Reads are linearizable: the coordinator asked confirms with a quorum that it has every committed change before it answers (slower; fails with no_quorum where a plain read would answer from a replica that may be stale)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Tables without their header row')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'p2pctl;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in to a cluster and save the session as a context')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke the current session''s token and forget it')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show who the current context is signed in as')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Manage saved contexts (server, pinned CA, credentials)')
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'List and inspect cluster nodes')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage operator accounts (admin only)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Join tokens that let new workers enrol (admin only)')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Node and operator certificates: list, renew, revoke, issue')
            [CompletionResult]::new('acme', 'acme', [CompletionResultType]::ParameterValue, 'The ACME server for workloads (certbot, lego, cert-manager...): binding keys, accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`')
            [CompletionResult]::new('svc', 'svc', [CompletionResultType]::ParameterValue, 'Supervised services anywhere in the cluster: list, inspect, start, stop, restart (operator role to change anything)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Log records of every node and service: query, or follow them as they are collected (any role). Ask a coordinator for the whole cluster; a worker answers for itself')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Cluster-wide operations: gossip key rotation (admin), gossip counters')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Every node''s CPU, load, memory, disk and network, from its latest sample (any role). On a terminal the table follows the samples as the nodes push them (the live event stream) until Ctrl-C; otherwise, and with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd''s own CPU and memory, and the number of services)')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Live events as they happen (any role): each node''s metric samples, members'' state changes, service state and health changes, log records, certificates issued, renewed and revoked, and the coordinators'' leader. Without -f, prints the current state of what is asked for (latest samples, members, services, leader) and ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message as one JSON line: {"type", "time", "data"}')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version, and the server''s when signed in')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see the README)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'p2pctl;help;login' {
            break
        }
        'p2pctl;help;logout' {
            break
        }
        'p2pctl;help;whoami' {
            break
        }
        'p2pctl;help;context' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List contexts; the current one is marked')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context current')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the current context''s name')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a context another name (it stays current if it was)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a context, and the certificate and key files p2pctl wrote for it')
            break
        }
        'p2pctl;help;context;ls' {
            break
        }
        'p2pctl;help;context;use' {
            break
        }
        'p2pctl;help;context;current' {
            break
        }
        'p2pctl;help;context;rename' {
            break
        }
        'p2pctl;help;context;rm' {
            break
        }
        'p2pctl;help;nodes' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every node')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one node')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Force a dead node out (admin): every member marks it left instead of dead and stops counting it. Refused for a node that is alive (stop it, and it leaves). If it comes back after all, it rejoins as usual')
            break
        }
        'p2pctl;help;nodes;ls' {
            break
        }
        'p2pctl;help;nodes;show' {
            break
        }
        'p2pctl;help;nodes;rm' {
            break
        }
        'p2pctl;help;user' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a user')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List users')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a user')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Set a user''s password (admins: anyone''s; others: their own, with the current one). Every session of the user ends')
            [CompletionResult]::new('revoke-sessions', 'revoke-sessions', [CompletionResultType]::ParameterValue, 'End every session (token) of a user (admins: anyone''s; others: their own)')
            break
        }
        'p2pctl;help;user;add' {
            break
        }
        'p2pctl;help;user;ls' {
            break
        }
        'p2pctl;help;user;rm' {
            break
        }
        'p2pctl;help;user;passwd' {
            break
        }
        'p2pctl;help;user;revoke-sessions' {
            break
        }
        'p2pctl;help;token' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a join token and print it (shown only this once)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List join tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Refuse a token from now on')
            break
        }
        'p2pctl;help;token;create' {
            break
        }
        'p2pctl;help;token;ls' {
            break
        }
        'p2pctl;help;token;revoke' {
            break
        }
        'p2pctl;help;cert' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every node''s current certificate: serial, SANs, expiry, days left, status')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One node''s current certificate')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew node certificates. Without --node, every node whose certificate is due (under 30 days left; nodes renew by themselves on an address or name change), one after another (progress bar on a terminal, summary at the end); says so when none is due')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it within seconds and close its open connections')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Save the CA''s certificate revocation list (signed by the CA, valid 24 h, no credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g. nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue an operator client certificate: the key is generated here and never sent')
            break
        }
        'p2pctl;help;cert;ls' {
            break
        }
        'p2pctl;help;cert;show' {
            break
        }
        'p2pctl;help;cert;renew' {
            break
        }
        'p2pctl;help;cert;revoke' {
            break
        }
        'p2pctl;help;cert;crl' {
            break
        }
        'p2pctl;help;cert;issue' {
            break
        }
        'p2pctl;help;acme' {
            [CompletionResult]::new('eab', 'eab', [CompletionResultType]::ParameterValue, 'External account binding keys: an ACME account can only be created with one')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'ACME accounts')
            [CompletionResult]::new('certs', 'certs', [CompletionResultType]::ParameterValue, 'Workload certificates issued through ACME')
            break
        }
        'p2pctl;help;acme;eab' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a binding key and print its id and HMAC key (shown only this once), for `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List binding keys (never their HMAC keys)')
            break
        }
        'p2pctl;help;acme;eab;create' {
            break
        }
        'p2pctl;help;acme;eab;ls' {
            break
        }
        'p2pctl;help;acme;accounts' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every account, its status, binding key, allowed names and valid certificates')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Refuse everything the account''s key signs from now on (admin). Its certificates stay valid until revoked')
            break
        }
        'p2pctl;help;acme;accounts;ls' {
            break
        }
        'p2pctl;help;acme;accounts;deactivate' {
            break
        }
        'p2pctl;help;acme;certs' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Valid workload certificates (SUBJECT is the account id)')
            break
        }
        'p2pctl;help;acme;certs;ls' {
            break
        }
        'p2pctl;help;svc' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every service instance in the cluster: node, state, health, address, ports, tags (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on the node asked are reported on stderr')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Live detail of a service on every node that runs it: pid, uptime, restarts, last exit, CPU and memory. Exits 5 if a node did not answer')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a service (and keep it started across restarts of p2pd); waits until it runs and passes its health check')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a service (it stays stopped across restarts of p2pd); waits until it exited')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart a service; waits until the new process runs and passes its health check')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The output of a service (every node running it, or --node): `p2pctl logs --service`')
            break
        }
        'p2pctl;help;svc;ls' {
            break
        }
        'p2pctl;help;svc;status' {
            break
        }
        'p2pctl;help;svc;start' {
            break
        }
        'p2pctl;help;svc;stop' {
            break
        }
        'p2pctl;help;svc;restart' {
            break
        }
        'p2pctl;help;svc;logs' {
            break
        }
        'p2pctl;help;logs' {
            break
        }
        'p2pctl;help;cluster' {
            [CompletionResult]::new('rotate-gossip-key', 'rotate-gossip-key', [CompletionResultType]::ParameterValue, 'Replace the gossip encryption key on every node, without restarts or false failures: the new key is added, then made primary, then the old one removed, each step confirmed by every live member over mTLS. Exits non-zero if some member lagged (the old key then stays valid so it is not cut off; run it again once the member is healthy, or use --force)')
            [CompletionResult]::new('gossip-stats', 'gossip-stats', [CompletionResultType]::ParameterValue, 'Membership and gossip transport counters of the node the request goes to (pick it with --endpoint): members by state, probes, refutations, local health, and datagrams dropped as oversized, malformed, wrongly keyed or replayed')
            [CompletionResult]::new('coordinators', 'coordinators', [CompletionResultType]::ParameterValue, 'The coordinators'' Raft group, as the coordinator asked sees it: who leads, who votes, how far each has applied the log and how long since it was heard from. `remove NODE` takes a coordinator out of the group (admin)')
            [CompletionResult]::new('limit-stats', 'limit-stats', [CompletionResultType]::ParameterValue, 'Overload counters of the node the request goes to (pick it with --endpoint): requests allowed and refused per rate-limit class, connections per pool (open, evicted to make room, refused), open follows, failed and throttled logins')
            [CompletionResult]::new('cache-stats', 'cache-stats', [CompletionResultType]::ParameterValue, 'Cache counters of the node the request goes to (pick it with --endpoint): entries, bytes against the bound, hits, misses, evictions, expirations and invalidations per in-memory cache; with a shared Redis, its hits, misses, errors and refused values')
            break
        }
        'p2pctl;help;cluster;rotate-gossip-key' {
            break
        }
        'p2pctl;help;cluster;gossip-stats' {
            break
        }
        'p2pctl;help;cluster;coordinators' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the coordinators (the default)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take a coordinator out of the Raft group: it stops voting and receiving the log. Stop its p2pd afterwards; to bring it back, wipe its state directory and join it again with a coordinator token. The last voting coordinator cannot be removed')
            break
        }
        'p2pctl;help;cluster;coordinators;ls' {
            break
        }
        'p2pctl;help;cluster;coordinators;remove' {
            break
        }
        'p2pctl;help;cluster;limit-stats' {
            break
        }
        'p2pctl;help;cluster;cache-stats' {
            break
        }
        'p2pctl;help;top' {
            break
        }
        'p2pctl;help;events' {
            break
        }
        'p2pctl;help;version' {
            break
        }
        'p2pctl;help;completion' {
            break
        }
        'p2pctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
