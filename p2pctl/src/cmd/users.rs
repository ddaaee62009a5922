//! `p2pctl user add|ls|rm|passwd` (admin, except a user changing their own password).

use p2p_shared::Role;
use p2p_shared::api::{CreateUserRequest, SetPasswordRequest, UserInfo};

use super::read_password;
use crate::cli::UserCmd;
use crate::error::CtlError;
use crate::output::{Tabular, print, rfc3339, table};
use crate::session::Session;

impl Tabular for UserInfo {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "ROLE", "CREATED"]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.name.clone(),
            self.role.to_string(),
            rfc3339(self.created_at),
        ]
    }
}

pub async fn user_cmd(env: &Session, cmd: UserCmd) -> Result<(), CtlError> {
    let client = env.client()?;
    match cmd {
        UserCmd::Add {
            name,
            role,
            password_file,
        } => {
            let role: Role = role.parse().map_err(CtlError::usage)?;
            let password = read_password(
                password_file.as_ref(),
                "P2PCTL_NEW_PASSWORD",
                &format!("Password for {name}: "),
            )?;
            let user = client
                .create_user(&CreateUserRequest {
                    name,
                    role,
                    password,
                })
                .await?;
            print(env.format(), &user, |l| {
                table(std::slice::from_ref(&user), l)
            })
        }
        UserCmd::Ls => {
            let users = client.users().await?.users;
            print(env.format(), &users, |l| table(&users, l))
        }
        UserCmd::Rm { name } => {
            client.delete_user(&name).await?;
            eprintln!("Deleted user `{name}`");
            Ok(())
        }
        UserCmd::Passwd {
            name,
            password_file,
            current_password_file,
        } => {
            // Your own password: the server wants the current one too.
            let own = env
                .context()
                .ok()
                .and_then(|(_, c)| c.user.clone())
                .is_some_and(|u| u == name);
            let current_password = if own {
                Some(read_password(
                    current_password_file.as_ref(),
                    "P2PCTL_PASSWORD",
                    "Current password: ",
                )?)
            } else {
                None
            };
            let password = read_password(
                password_file.as_ref(),
                "P2PCTL_NEW_PASSWORD",
                &format!("New password for {name}: "),
            )?;
            client
                .set_password(
                    &name,
                    &SetPasswordRequest {
                        password,
                        current_password,
                    },
                )
                .await?;
            eprintln!("Password of `{name}` changed; every session of `{name}` has ended");
            Ok(())
        }
        UserCmd::RevokeSessions { name } => {
            client.revoke_user_sessions(&name).await?;
            eprintln!("Every session of `{name}` has ended");
            Ok(())
        }
    }
}
