//! Errors and the documented exit codes.

use p2p_shared::ClientError;

/// 0 ok, 1 error, 2 usage, 3 not authenticated or forbidden, 4 not found, 5 unreachable,
/// 6 rate limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Error = 1,
    Usage = 2,
    Auth = 3,
    NotFound = 4,
    Unreachable = 5,
    RateLimited = 6,
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CtlError {
    pub exit: Exit,
    pub message: String,
}

impl CtlError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
}

impl From<ClientError> for CtlError {
    fn from(e: ClientError) -> Self {
        let exit = match &e {
            ClientError::Unreachable { .. } => Exit::Unreachable,
            ClientError::RateLimited { .. } => Exit::RateLimited,
            ClientError::Rejected { .. } => Exit::Auth,
            ClientError::InvalidServer(_) => Exit::Usage,
            ClientError::Closed { code: 1008, .. } => Exit::Auth,
            ClientError::Closed { .. } => Exit::Unreachable,
            ClientError::Api {
                status: 401 | 403, ..
            } => Exit::Auth,
            ClientError::Api { status: 404, .. } => Exit::NotFound,
            // The server found the request malformed: a mistake in what was typed (a bad
            // pattern, a short password, a missing --node).
            ClientError::Api { status: 400, .. } => Exit::Usage,
            ClientError::Api {
                status: 409 | 413 | 415,
                ..
            } => Exit::Error,
            _ => Exit::Error,
        };
        let mut message = e.to_string();
        if let ClientError::Api { status: 401, .. } = e {
            message.push_str("; run `p2pctl login`");
        }
        // Only a signed-in (password) context insists on a coordinator.
        if let ClientError::Rejected { reason, .. } = &e
            && reason == &p2p_shared::tls::NotCoordinator.to_string()
        {
            message.push_str(
                ". A signed-in context talks to coordinators only: workers accept operator certificates (`p2pctl cert issue --user NAME --role viewer --context-name NAME`, then `--context NAME --endpoint URL`)",
            );
        }
        Self::new(exit, message)
    }
}

impl From<p2p_shared::contexts::ContextError> for CtlError {
    fn from(e: p2p_shared::contexts::ContextError) -> Self {
        Self::new(Exit::Error, e.to_string())
    }
}
