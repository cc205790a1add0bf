//! `vmeste token create|list|revoke`: API tokens in the board's store. A new token is
//! printed once, alone on the last line of stdout; the store keeps only its SHA-256.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use engine::board::{Role, Store, Time, TokenRecord};

use crate::store::{SqlStore, new_token, token_hash};

/// Arguments of `vmeste token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// What `vmeste token` does.
#[derive(Debug, clap::Subcommand)]
pub enum TokenAction {
    /// Make a token and print it (alone on the last line); only its hash is stored.
    Create(TokenCreateArgs),
    /// List tokens: identifiers, roles, headquarters, labels, dates (never the tokens).
    List(TokenStoreArg),
    /// Revoke a token by identifier.
    Revoke(TokenRevokeArgs),
}

/// Where the store is.
#[derive(Debug, clap::Args)]
pub struct TokenStoreArg {
    /// The store: an SQLite file path (created if missing), `sqlite://PATH` or
    /// `postgres://…`.
    #[arg(long)]
    pub store: String,
}

/// Arguments of `vmeste token create`.
#[derive(Debug, clap::Args)]
pub struct TokenCreateArgs {
    /// The store.
    #[command(flatten)]
    pub store: TokenStoreArg,
    /// Role: admin, coordinator, operator or volunteer.
    #[arg(long)]
    pub role: String,
    /// A headquarters the token covers (repeat for several; coordinators need one).
    #[arg(long = "hq")]
    pub hqs: Vec<i64>,
    /// The volunteer a volunteer token speaks for.
    #[arg(long)]
    pub volunteer: Option<i64>,
    /// A label for people (no secret).
    #[arg(long, default_value = "")]
    pub label: String,
}

/// Arguments of `vmeste token revoke`.
#[derive(Debug, clap::Args)]
pub struct TokenRevokeArgs {
    /// The store.
    #[command(flatten)]
    pub store: TokenStoreArg,
    /// The token's identifier (from `vmeste token list`).
    pub id: i64,
}

/// The token a `create` would store, checked: the role exists, a coordinator names a
/// headquarters, a volunteer token names its volunteer and only volunteer tokens do.
///
/// # Errors
/// A message for the user naming what is missing.
pub fn token_record(
    args: &TokenCreateArgs,
    hash: String,
    now: Time,
) -> anyhow::Result<TokenRecord> {
    let Some(role) = Role::from_name(&args.role) else {
        bail!(
            "unknown role {:?}: use admin, coordinator, operator or volunteer",
            args.role
        );
    };
    if role == Role::Coordinator && args.hqs.is_empty() {
        bail!("a coordinator token needs at least one --hq");
    }
    if role == Role::Volunteer && args.volunteer.is_none() {
        bail!("a volunteer token needs --volunteer ID");
    }
    if role != Role::Volunteer && args.volunteer.is_some() {
        bail!("--volunteer is only for volunteer tokens");
    }
    let mut hqs = args.hqs.clone();
    hqs.sort_unstable();
    hqs.dedup();
    Ok(TokenRecord {
        id: 0,
        hash,
        role,
        hqs,
        volunteer: args.volunteer,
        label: args.label.clone(),
        created_at: now,
        revoked_at: None,
    })
}

/// The wall clock's time (the command line's own `now`; the board never reads a clock).
pub(crate) fn now() -> Time {
    let s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Time(i64::try_from(s).unwrap_or(i64::MAX))
}

async fn open(store: &str) -> anyhow::Result<SqlStore> {
    SqlStore::open(store).await.map_err(anyhow::Error::from)
}

/// Runs `vmeste token`.
///
/// # Errors
/// Bad arguments, or a store that cannot be opened or written.
pub fn run(args: &TokenArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async {
        match &args.action {
            TokenAction::Create(a) => {
                let token = new_token();
                let record = token_record(a, token_hash(&token), now())?;
                let store = open(&a.store.store).await?;
                let id = store.insert_token(record).await?;
                store.close().await;
                outln!("token {id} created; it is shown once, store it safely:");
                outln!("{token}");
            }
            TokenAction::List(a) => {
                let store = open(&a.store).await?;
                let tokens = store.tokens().await?;
                store.close().await;
                outln!("id\trole\thqs\tvolunteer\tcreated_at\trevoked_at\tlabel");
                for t in tokens {
                    let hqs: Vec<String> = t.hqs.iter().map(i64::to_string).collect();
                    outln!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        t.id,
                        t.role.as_str(),
                        if hqs.is_empty() {
                            "-".into()
                        } else {
                            hqs.join(",")
                        },
                        t.volunteer.map_or("-".into(), |v| v.to_string()),
                        t.created_at,
                        t.revoked_at.map_or("-".into(), |r| r.to_string()),
                        t.label.replace(['\t', '\n', '\r'], " "),
                    );
                }
            }
            TokenAction::Revoke(a) => {
                let store = open(&a.store.store).await?;
                let found = store.revoke_token(a.id, now()).await?;
                store.close().await;
                if !found {
                    bail!("no token {}", a.id);
                }
                outln!("token {} revoked", a.id);
            }
        }
        Ok(())
    })
}
