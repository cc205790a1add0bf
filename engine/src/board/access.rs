//! Who may do what: roles, the principal behind a token, and the rules.
//!
//! | role | may |
//! |---|---|
//! | `admin` | everything, in every headquarters |
//! | `coordinator` | read and change volunteers and requests of their headquarters, assign, plan, read history and live events of them |
//! | `operator` | record requests (in their headquarters, or any when the token names none) and read the requests they recorded |
//! | `volunteer` | read their own profile and the requests they hold; report position and status; move their requests along (`en_route`, `done`, `failed`) |
//!
//! The rules answer [`Denied`] with why, so the HTTP layer can say 403 with a reason.

use serde::{Deserialize, Serialize};

use super::model::{Request, RequestStatus, Volunteer};

/// A role a token carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Admin,
    /// A headquarters' coordinator.
    Coordinator,
    /// A hotline operator.
    Operator,
    /// A volunteer.
    Volunteer,
}

impl Role {
    /// Name on the wire and on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Operator => "operator",
            Role::Volunteer => "volunteer",
        }
    }

    /// The role named `s`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        [
            Role::Admin,
            Role::Coordinator,
            Role::Operator,
            Role::Volunteer,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Who is asking: what their token allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's identifier (never the token itself).
    pub token_id: i64,
    /// Role.
    pub role: Role,
    /// Headquarters the token is limited to (coordinators: at least one; operators: empty =
    /// any).
    pub hqs: Vec<i64>,
    /// The volunteer a `volunteer` token speaks for.
    pub volunteer: Option<i64>,
}

impl Principal {
    /// An administrator acting on the machine itself, with no token (token id 0): the
    /// command line's imports and the demo seed.
    #[must_use]
    pub fn local_admin() -> Self {
        Self {
            token_id: 0,
            role: Role::Admin,
            hqs: Vec::new(),
            volunteer: None,
        }
    }
}

/// Why a principal may not do something.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Denied(pub String);

fn deny(msg: impl Into<String>) -> Result<(), Denied> {
    Err(Denied(msg.into()))
}

impl Principal {
    /// Who this is in events and `created_by`: `role:token_id` (no personal data).
    #[must_use]
    pub fn actor(&self) -> String {
        format!("{}:{}", self.role.as_str(), self.token_id)
    }

    /// `true` for an admin.
    #[must_use]
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// `true` when the token covers headquarters `hq` (admins cover all; operators without
    /// a list cover all).
    #[must_use]
    pub fn covers_hq(&self, hq: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator => self.hqs.contains(&hq),
            Role::Operator => self.hqs.is_empty() || self.hqs.contains(&hq),
            Role::Volunteer => false,
        }
    }

    /// The headquarters whose records this principal may list: `None` = all.
    #[must_use]
    pub fn hq_scope(&self) -> Option<&[i64]> {
        match self.role {
            Role::Admin => None,
            Role::Operator if self.hqs.is_empty() => None,
            _ => Some(&self.hqs),
        }
    }

    /// May close roads, lift closures and read them.
    ///
    /// # Errors
    /// [`Denied`] unless coordinator or admin.
    pub fn may_manage_closures(&self) -> Result<(), Denied> {
        match self.role {
            Role::Admin | Role::Coordinator => Ok(()),
            _ => deny("only coordinators and admins manage road closures"),
        }
    }

    /// May create or change headquarters.
    ///
    /// # Errors
    /// [`Denied`] unless admin.
    pub fn may_manage_hqs(&self) -> Result<(), Denied> {
        if self.is_admin() {
            Ok(())
        } else {
            deny("only an admin manages headquarters")
        }
    }

    /// May read the headquarters list (everyone but volunteers, who see their own only
    /// through their profile).
    ///
    /// # Errors
    /// [`Denied`] for volunteers.
    pub fn may_list_hqs(&self) -> Result<(), Denied> {
        if self.role == Role::Volunteer {
            deny("volunteers do not list headquarters")
        } else {
            Ok(())
        }
    }

    /// May create, change or list the volunteers of `hq`.
    ///
    /// # Errors
    /// [`Denied`] unless admin or a coordinator of `hq`.
    pub fn may_manage_volunteers(&self, hq: i64) -> Result<(), Denied> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Coordinator if self.covers_hq(hq) => Ok(()),
            Role::Coordinator => deny(format!("this token does not cover headquarters {hq}")),
            _ => deny("only coordinators and admins manage volunteers"),
        }
    }

    /// May read volunteer `v`.
    ///
    /// # Errors
    /// [`Denied`] unless admin, a coordinator of its headquarters, or that volunteer.
    pub fn may_read_volunteer(&self, v: &Volunteer) -> Result<(), Denied> {
        if self.role == Role::Volunteer {
            return if self.volunteer == Some(v.id) {
                Ok(())
            } else {
                deny("a volunteer sees only their own profile")
            };
        }
        self.may_manage_volunteers(v.hq)
    }

    /// May report position and status for volunteer `v`.
    ///
    /// # Errors
    /// [`Denied`] unless admin, a coordinator of its headquarters, or that volunteer.
    pub fn may_report_for(&self, v: &Volunteer) -> Result<(), Denied> {
        self.may_read_volunteer(v)
    }

    /// May record a request for `hq`.
    ///
    /// # Errors
    /// [`Denied`] for volunteers and for tokens that do not cover `hq`.
    pub fn may_create_request(&self, hq: i64) -> Result<(), Denied> {
        match self.role {
            Role::Volunteer => deny("volunteers do not record requests"),
            _ if self.covers_hq(hq) => Ok(()),
            _ => deny(format!("this token does not cover headquarters {hq}")),
        }
    }

    /// May read request `r`.
    ///
    /// # Errors
    /// [`Denied`] unless admin, a coordinator of its headquarters, the operator who recorded
    /// it, or the volunteer who holds it.
    pub fn may_read_request(&self, r: &Request) -> Result<(), Denied> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Coordinator if self.covers_hq(r.hq) => Ok(()),
            Role::Coordinator => deny(format!("this token does not cover headquarters {}", r.hq)),
            Role::Operator if r.created_by == self.actor() => Ok(()),
            Role::Operator => deny("an operator reads only the requests they recorded"),
            Role::Volunteer if r.volunteer.is_some() && r.volunteer == self.volunteer => Ok(()),
            Role::Volunteer => deny("a volunteer reads only the requests they hold"),
        }
    }

    /// May change, assign, plan or cancel request `r` (coordinator work).
    ///
    /// # Errors
    /// [`Denied`] unless admin or a coordinator of its headquarters.
    pub fn may_coordinate(&self, hq: i64) -> Result<(), Denied> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Coordinator if self.covers_hq(hq) => Ok(()),
            Role::Coordinator => deny(format!("this token does not cover headquarters {hq}")),
            _ => deny("only coordinators and admins do this"),
        }
    }

    /// May move request `r` to `to`: coordinators any allowed step; the volunteer who
    /// holds it `en_route`, `done` and `failed`.
    ///
    /// # Errors
    /// [`Denied`] otherwise.
    pub fn may_move(&self, r: &Request, to: RequestStatus) -> Result<(), Denied> {
        if self.role == Role::Volunteer {
            let holds =
                r.volunteer.is_some() && r.volunteer == self.volunteer && r.status.is_held();
            let step = matches!(
                to,
                RequestStatus::EnRoute | RequestStatus::Done | RequestStatus::Failed
            );
            return if holds && step {
                Ok(())
            } else {
                deny("a volunteer moves only the requests they hold, to en_route, done or failed")
            };
        }
        self.may_coordinate(r.hq)
    }

    /// May read the live events and history of `hq`.
    ///
    /// # Errors
    /// [`Denied`] unless admin or a coordinator of `hq`.
    pub fn may_watch(&self, hq: i64) -> Result<(), Denied> {
        self.may_coordinate(hq)
    }
}
