//! What every page's frame needs: title, the signed-in officer, CSRF token, flash and navigation.

use qltt_app::{Actor, App};
use qltt_domain::officer::Permission;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct LayoutUser {
    pub full_name: String,
    pub username: String,
    pub unit_name: String,
    pub roles_label: String,
}

pub struct Layout {
    pub title: String,
    pub user: Option<LayoutUser>,
    pub csrf: String,
    pub flash: Option<String>,
    pub flash_error: Option<String>,
    pub nav: Vec<NavItem>,
}

impl Layout {
    pub fn anonymous(title: &str) -> Layout {
        Layout {
            title: title.into(),
            user: None,
            csrf: String::new(),
            flash: None,
            flash_error: None,
            nav: Vec::new(),
        }
    }

    /// The frame for a signed-in officer; `current` is the href of the active menu item. The menu
    /// shows only what the officer's roles allow.
    pub async fn for_actor(app: &App, actor: &Actor, title: &str, current: &str) -> Layout {
        let unit_name = app
            .unit_name(&actor.unit_id)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let mut nav = vec![
            NavItem {
                href: "/",
                label: "Trang chủ",
                active: false,
            },
            NavItem {
                href: "/cases",
                label: "Vụ việc",
                active: false,
            },
            NavItem {
                href: "/businesses",
                label: "Cơ sở kinh doanh",
                active: false,
            },
            NavItem {
                href: "/commitments",
                label: "Cam kết",
                active: false,
            },
            NavItem {
                href: "/office",
                label: "Văn bản",
                active: false,
            },
            NavItem {
                href: "/directives",
                label: "Chỉ đạo",
                active: false,
            },
            NavItem {
                href: "/tasks",
                label: "Giao việc",
                active: false,
            },
            NavItem {
                href: "/periodic-reports",
                label: "Báo cáo định kỳ",
                active: false,
            },
            NavItem {
                href: "/exhibits",
                label: "Tang vật",
                active: false,
            },
            NavItem {
                href: "/org",
                label: "Tổ chức",
                active: false,
            },
            NavItem {
                href: "/officers",
                label: "Công chức",
                active: false,
            },
        ];
        nav.push(NavItem {
            href: "/calendar",
            label: "Lịch làm việc",
            active: false,
        });
        if actor.may(Permission::ViewReports) {
            nav.push(NavItem {
                href: "/reports",
                label: "Báo cáo",
                active: false,
            });
        }
        if actor.may(Permission::ViewAudit) {
            nav.push(NavItem {
                href: "/audit",
                label: "Nhật ký",
                active: false,
            });
        }
        for item in &mut nav {
            item.active = item.href == current;
        }
        Layout {
            title: title.into(),
            user: Some(LayoutUser {
                full_name: actor.full_name.clone(),
                username: actor.username.clone(),
                unit_name,
                roles_label: actor
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            csrf: actor.csrf.clone().unwrap_or_default(),
            flash: None,
            flash_error: None,
            nav,
        }
    }
}
