//! Tasks (issue 9, part 4): a leader gives a task to a unit or an officer with a deadline and a
//! file; the assignee notes progress with a file and reports it done; the leader returns it, then
//! accepts it; an overdue task is in the home queues; a retried creation (same Idempotency-Key)
//! makes one task; an officer of another province sees and touches nothing. Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn act(t: &TestApp, who: &str, id: &str, action: &str, body: Value) -> (u16, Value) {
    t.post(who, &format!("/api/v1/tasks/{id}/actions/{action}"), body)
        .await
}

async fn upload(t: &TestApp, token: &str, bytes: &[u8]) -> String {
    let r = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    b["sha256"].as_str().unwrap().to_string()
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

async fn task_from_assignment_to_acceptance(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let leader = t.login("qn.doitruong1").await;
    let ksv = t.login("qn.ksv1").await;
    let coto = t.login("qn.coto").await;
    let ksv_id = t.user_id("qn.ksv1").await;
    let plan = upload(&t, &head, b"%PDF-1.4\n% ke hoach\ntrailer<<>>\n%%EOF\n").await;
    // Only leaders give tasks, to their scope, with a deadline not in the past.
    let body = json!({"title": "Kiểm tra 5 cơ sở kinh doanh mỹ phẩm", "officer_id": ksv_id,
        "description": "Theo kế hoạch đính kèm", "due_on": "2026-03-09", "attachments": [plan]});
    let (s, b) = t.post(&ksv, "/api/v1/tasks", body.clone()).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let mut past = body.clone();
    past["due_on"] = json!("2026-03-04");
    let (s, b) = t.post(&head, "/api/v1/tasks", past).await;
    assert_eq!((s, code(&b)), (400, "task.due_in_past"), "{b}");
    let mut both = body.clone();
    both["unit_id"] = json!(t.unit_id("QN-D1").await);
    let (s, b) = t.post(&head, "/api/v1/tasks", both).await;
    assert_eq!((s, code(&b)), (400, "task.assignee_required"), "{b}");
    let mut outside = body.clone();
    outside["officer_id"] = json!(t.user_id("bn.ksv1").await);
    let (s, b) = t.post(&head, "/api/v1/tasks", outside).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{b}");
    // A retried creation (the answer was lost) makes one task.
    let send = || {
        t.http
            .post(t.url("/api/v1/tasks"))
            .bearer_auth(&head)
            .header("Idempotency-Key", "giao-viec-my-pham")
            .json(&body)
            .send()
    };
    let r = send().await.unwrap();
    assert_eq!(r.status(), 201);
    let task: Value = r.json().await.unwrap();
    for _ in 0..2 {
        let r = send().await.unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(r.headers()["idempotent-replayed"], "true");
        let again: Value = r.json().await.unwrap();
        assert_eq!(again["id"], task["id"]);
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM tasks").await, 1);
    let id = task["id"].as_str().unwrap().to_string();
    assert_eq!(task["state"], "assigned");
    assert_eq!(task["assignee_unit_id"], t.unit_id("QN-D1").await.as_str());
    assert_eq!(
        task["allowed_actions"],
        json!(["progress", "complete", "reassign", "cancel"])
    );
    // The assignee finds it among her tasks and opens the plan; the team leader sees it too;
    // an officer of another team of the province does not.
    let (_, mine) = t.get(&ksv, "/api/v1/tasks?to_me=true").await;
    assert_eq!(mine["items"][0]["id"], id.as_str());
    assert_eq!(t.get(&ksv, &format!("/api/v1/files/{plan}")).await.0, 200);
    let (s, _) = t.get(&leader, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(s, 200);
    let (s, b) = t.get(&coto, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!((s, code(&b)), (404, "task.not_found"));
    // Only the assignee works on a task given to her; only a leader of the giving unit reviews.
    let (s, b) = act(&t, &leader, &id, "progress", json!({"note": "x"})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = act(&t, &head, &id, "accept", json!({})).await;
    assert_eq!((s, code(&b)), (409, "task.invalid_transition"), "{b}");
    let (s, b) = act(&t, &ksv, &id, "progress", json!({"note": ""})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    let (s, b) = act(
        &t,
        &ksv,
        &id,
        "progress",
        json!({"note": "x", "progress": 120}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "task.invalid_progress"), "{b}");
    let photo = upload(
        &t,
        &ksv,
        b"%PDF-1.4\n% bien ban kiem tra\ntrailer<<>>\n%%EOF\n",
    )
    .await;
    let (s, b) = act(
        &t,
        &ksv,
        &id,
        "progress",
        json!({"note": "Đã kiểm tra 3/5 cơ sở", "progress": 60, "attachments": [photo]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["state"].as_str(), b["progress"].as_i64()),
        (Some("in_progress"), Some(60))
    );
    // The assignee's record opens for the head above her.
    assert_eq!(t.get(&head, &format!("/api/v1/files/{photo}")).await.0, 200);
    let (s, b) = act(&t, &ksv, &id, "complete", json!({"note": "Hoàn thành"})).await;
    assert_eq!((s, b["state"].as_str()), (200, Some("submitted")), "{b}");
    let (s, b) = act(&t, &ksv, &id, "accept", json!({})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = act(&t, &head, &id, "return", json!({})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    let (s, b) = act(
        &t,
        &head,
        &id,
        "return",
        json!({"note": "Thiếu biên bản cơ sở số 5"}),
    )
    .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("in_progress")), "{b}");
    let (s, _) = act(&t, &ksv, &id, "complete", json!({})).await;
    assert_eq!(s, 200);
    let (s, b) = act(&t, &head, &id, "accept", json!({"note": "Đạt"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["state"].as_str(), b["progress"].as_i64()),
        (Some("done"), Some(100))
    );
    assert_eq!(b["allowed_actions"], json!([]));
    let kinds: Vec<&str> = b["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "assign", "progress", "complete", "return", "complete", "accept"
        ]
    );
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM audit_events WHERE entity_type = 'task' AND entity_id = '{id}'")
        )
        .await,
        6
    );
    let (s, _) = act(&t, &head, &id, "return", json!({"note": "x"})).await;
    assert_eq!(s, 409);
}
on_both!(
    a_task_is_given_worked_on_returned_and_accepted,
    task_from_assignment_to_acceptance
);

async fn overdue_tasks_are_queued(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, task) = t
        .post(
            &head,
            "/api/v1/tasks",
            json!({"title": "Báo cáo nhanh vụ việc chợ Hạ Long", "unit_id": d1, "due_on": "2026-03-06"}),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    let id = task["id"].as_str().unwrap();
    let (_, q) = t.get(&t.login("qn.ksv1").await, "/api/v1/queues").await;
    assert_eq!(q["overdue_tasks"], json!([]));
    t.clock.advance(chrono::Duration::days(3));
    // Given to the team: every officer of the team and its leader have it in their queue.
    for user in ["qn.ksv1", "qn.doitruong1", "qn.chicuctruong"] {
        let token = t.login(user).await;
        let (_, q) = t.get(&token, "/api/v1/queues").await;
        assert_eq!(q["overdue_tasks"][0]["task_id"], id, "{user}: {q}");
    }
    // Not another team's officer, nor another province's.
    for user in ["qn.coto", "bn.ksv1", "bn.chicuctruong"] {
        let (_, q) = t.get(&t.login(user).await, "/api/v1/queues").await;
        assert_eq!(q["overdue_tasks"], json!([]), "{user}");
    }
    let ksv = t.login("qn.ksv1").await;
    let (_, list) = t.get(&ksv, "/api/v1/tasks?overdue=true").await;
    assert_eq!(list["items"][0]["overdue"], true);
    // Reported done, it waits for the leader and leaves the team's queue.
    let (s, _) = act(&t, &ksv, id, "complete", json!({})).await;
    assert_eq!(s, 200);
    let (_, q) = t.get(&ksv, "/api/v1/queues").await;
    assert_eq!(q["overdue_tasks"], json!([]));
    // The home page shows the queue.
    let head = t.login("qn.chicuctruong").await;
    let (s, _) = t
        .post(
            &head,
            "/api/v1/tasks",
            json!({"title": "Rà soát danh sách cơ sở", "unit_id": d1, "due_on": "2026-03-08"}),
        )
        .await;
    assert_eq!(s, 201);
    t.clock.advance(chrono::Duration::days(1));
    let page = page_client();
    t.page_login(&page, "qn.doitruong1").await;
    let html = page
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Việc quá hạn") && html.contains("Rà soát danh sách cơ sở"),
        "{html}"
    );
}
on_both!(
    overdue_tasks_are_in_the_home_queues,
    overdue_tasks_are_queued
);

async fn another_province_sees_no_task(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let annex = upload(&t, &head, b"%PDF-1.4\n% noi bo QN\ntrailer<<>>\n%%EOF\n").await;
    let (s, task) = t
        .post(
            &head,
            "/api/v1/tasks",
            json!({"title": "Việc nội bộ Quảng Ninh", "unit_id": t.unit_id("QN-D1").await,
                   "due_on": "2026-03-20", "attachments": [annex]}),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    let id = task["id"].as_str().unwrap();
    let (s, _) = act(&t, &ksv, id, "complete", json!({})).await;
    assert_eq!(s, 200);
    for user in ["bn.ksv1", "bn.chicuctruong", "bg.ksv1"] {
        let token = t.login(user).await;
        let (s, b) = t.get(&token, &format!("/api/v1/tasks/{id}")).await;
        assert_eq!((s, code(&b)), (404, "task.not_found"), "{user}");
        for action in [
            "progress", "complete", "accept", "return", "reassign", "cancel",
        ] {
            let (s, b) = act(&t, &token, id, action, json!({"note": "x"})).await;
            assert_eq!((s, code(&b)), (404, "task.not_found"), "{user} {action}");
        }
        for q in ["", "?to_me=true", "?overdue=true"] {
            let (s, b) = t.get(&token, &format!("/api/v1/tasks{q}")).await;
            assert_eq!((s, &b["items"]), (200, &json!([])), "{user} {q}");
        }
        assert_eq!(
            t.get(&token, &format!("/api/v1/files/{annex}")).await.0,
            404
        );
        let (s, b) = t
            .post(
                &token,
                "/api/v1/tasks",
                json!({"title": "x", "unit_id": t.unit_id("QN-D1").await, "due_on": "2026-03-20"}),
            )
            .await;
        assert_eq!(s, 403, "{user} {b}");
    }
    let (_, t2) = t.get(&head, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(t2["state"], "submitted");
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM tasks").await, 1);
}
on_both!(
    officers_of_another_province_see_no_task,
    another_province_sees_no_task
);

async fn task_pages(t: TestApp) {
    let head = page_client();
    let csrf = t.page_login(&head, "qn.chicuctruong").await;
    let html = head
        .get(t.url("/tasks"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Giao việc mới"));
    let target = format!("officer:{}", t.user_id("qn.ksv1").await);
    let r = head
        .post(t.url("/tasks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Lập danh sách cơ sở kinh doanh xăng dầu"),
            ("description", "Toàn địa bàn Đội 1"),
            ("target", target.as_str()),
            ("due_on", "2026-03-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Hạn hoàn thành không được trước")
    );
    let r = head
        .post(t.url("/tasks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Lập danh sách cơ sở kinh doanh xăng dầu"),
            ("description", "Toàn địa bàn Đội 1"),
            ("target", target.as_str()),
            ("due_on", "2026-03-12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // The head gave it to one officer: his page has no form to work on it.
    let html = head
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Báo cáo hoàn thành") && html.contains("Điều chỉnh giao việc"));
    let ksv = page_client();
    let kcsrf = t.page_login(&ksv, "qn.ksv1").await;
    let html = ksv
        .get(t.url("/tasks"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Lập danh sách cơ sở kinh doanh xăng dầu"));
    assert!(
        !html.contains("Giao việc mới"),
        "an inspector gives no task"
    );
    let r = ksv
        .post(t.url(&to))
        .form(&[
            ("csrf", kcsrf.as_str()),
            ("op", "progress"),
            ("note", "Đã lập 20 cơ sở"),
            ("progress", "50"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = ksv
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Đã lập 20 cơ sở") && html.contains("12/03/2026") && html.contains("50%")
    );
    let bn = page_client();
    t.page_login(&bn, "bn.ksv1").await;
    assert_eq!(bn.get(t.url(&to)).send().await.unwrap().status(), 404);
}
on_both!(tasks_from_the_pages, task_pages);

async fn task_reassigned_then_cancelled(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let leader = t.login("qn.doitruong1").await;
    let ksv = t.login("qn.ksv1").await;
    let coto = t.login("qn.coto").await;
    let ksv_id = t.user_id("qn.ksv1").await;
    let coto_id = t.user_id("qn.coto").await;
    let (s, task) = t
        .post(
            &head,
            "/api/v1/tasks",
            json!({"title": "Kiểm tra cửa hàng điện thoại Bãi Cháy", "officer_id": ksv_id,
                   "due_on": "2026-03-09"}),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    let id = task["id"].as_str().unwrap().to_string();
    let (s, _) = act(
        &t,
        &ksv,
        &id,
        "progress",
        json!({"note": "Đã liên hệ chủ cửa hàng", "progress": 30}),
    )
    .await;
    assert_eq!(s, 200);
    // Only the giving unit's leaders reassign: not the assignee, not a team leader below it.
    let move_to_coto = json!({"note": "Đồng chí Mai nghỉ phép", "officer_id": coto_id,
        "due_on": "2026-03-16"});
    let (s, b) = act(&t, &ksv, &id, "reassign", move_to_coto.clone()).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = act(&t, &leader, &id, "reassign", move_to_coto.clone()).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    // Nothing changed, a holder outside the scope, a past deadline, a missing reason, and a
    // deadline slipped into another step are refused, and leave the task as it was.
    let (s, b) = act(
        &t,
        &head,
        &id,
        "reassign",
        json!({"note": "x", "officer_id": ksv_id}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "task.nothing_changed"), "{b}");
    let outside = json!({"note": "x", "officer_id": t.user_id("bn.ksv1").await});
    let (s, b) = act(&t, &head, &id, "reassign", outside).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{b}");
    let (s, b) = act(
        &t,
        &head,
        &id,
        "reassign",
        json!({"note": "x", "due_on": "2026-03-04"}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "task.due_in_past"), "{b}");
    let (s, b) = act(&t, &head, &id, "reassign", json!({"officer_id": coto_id})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    let (s, b) = act(
        &t,
        &ksv,
        &id,
        "progress",
        json!({"note": "x", "due_on": "2026-04-30"}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "task.reassign_only"), "{b}");
    let (_, same) = t.get(&head, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(
        (
            same["due_on"].as_str(),
            same["assignee_officer_id"].as_str()
        ),
        (Some("2026-03-09"), Some(ksv_id.as_str()))
    );
    // The head hands it to an officer of another team with a new deadline; a retry with the
    // same key (the answer was lost on the island's link) does it once.
    let send = || {
        t.http
            .post(t.url(&format!("/api/v1/tasks/{id}/actions/reassign")))
            .bearer_auth(&head)
            .header("Idempotency-Key", "giao-lai-bai-chay")
            .json(&move_to_coto)
            .send()
    };
    let mut answers = Vec::new();
    for _ in 0..2 {
        let r = send().await.unwrap();
        assert_eq!(r.status(), 200);
        answers.push(r.json::<Value>().await.unwrap());
    }
    let b = &answers[1];
    assert_eq!(answers[0]["updated_at"], b["updated_at"]);
    assert_eq!(
        (
            b["state"].as_str(),
            b["progress"].as_i64(),
            b["assignee_officer_id"].as_str(),
            b["due_on"].as_str()
        ),
        (
            Some("assigned"),
            Some(30),
            Some(coto_id.as_str()),
            Some("2026-03-16")
        ),
        "{b}"
    );
    let last = b["notes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "reassign");
    let line = last["note"].as_str().unwrap();
    assert!(
        line.contains("Đồng chí Mai nghỉ phép") && line.contains("16/03/2026"),
        "{line}"
    );
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM task_notes WHERE task_id = '{id}' AND kind = 'reassign'"
            )
        )
        .await,
        1
    );
    // The work moved with it: the new holder has it; the former one no longer sees it.
    let (_, mine) = t.get(&coto, "/api/v1/tasks?to_me=true").await;
    assert_eq!(mine["items"][0]["id"], id.as_str());
    let (s, b) = t.get(&ksv, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!((s, code(&b)), (404, "task.not_found"));
    let (s, b) = act(&t, &ksv, &id, "progress", json!({"note": "x"})).await;
    assert_eq!((s, code(&b)), (404, "task.not_found"), "{b}");
    let audit: (String,) = sqlx::query_as(&format!(
        "SELECT details FROM audit_events WHERE entity_id = '{id}' AND action = 'task.reassign'"
    ))
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    let details: Value = serde_json::from_str(&audit.0).unwrap();
    assert_eq!(
        details["reassigned"]["from"]["officer_id"],
        ksv_id.as_str(),
        "{details}"
    );
    assert_eq!(details["reassigned"]["to"]["due_on"], "2026-03-16");
    // Reported done, then cancelled with a reason: kept, with nothing more to do on it.
    let (s, _) = act(&t, &coto, &id, "complete", json!({})).await;
    assert_eq!(s, 200);
    let (s, b) = act(
        &t,
        &head,
        &id,
        "reassign",
        json!({"note": "x", "due_on": "2026-03-20"}),
    )
    .await;
    assert_eq!((s, code(&b)), (409, "task.invalid_transition"), "{b}");
    let (s, b) = act(&t, &head, &id, "cancel", json!({})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    let (s, b) = act(
        &t,
        &head,
        &id,
        "cancel",
        json!({"note": "Cửa hàng đã đóng cửa, chuyển kế hoạch quý II"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["state"].as_str(), b["allowed_actions"].clone()),
        (Some("cancelled"), json!([]))
    );
    for action in [
        "progress", "complete", "accept", "return", "reassign", "cancel",
    ] {
        let (s, b) = act(&t, &head, &id, action, json!({"note": "x"})).await;
        assert!(matches!(s, 403 | 409), "{action}: {s} {b}");
    }
    t.clock.advance(chrono::Duration::days(30));
    let (coto, head) = (t.login("qn.coto").await, t.login("qn.chicuctruong").await);
    let (_, q) = t.get(&coto, "/api/v1/queues").await;
    assert_eq!(
        q["overdue_tasks"],
        json!([]),
        "a cancelled task is never overdue"
    );
    let (_, list) = t.get(&head, "/api/v1/tasks?state=cancelled").await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    let actions: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT action FROM audit_events WHERE entity_id = '{id}' ORDER BY seq"
    ))
    .fetch_all(t.app.db.pool())
    .await
    .unwrap();
    let actions: Vec<&str> = actions.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "task.assign",
            "task.progress",
            "task.reassign",
            "task.complete",
            "task.cancel"
        ]
    );
}
on_both!(
    a_task_is_given_to_another_officer_with_a_new_deadline_then_cancelled,
    task_reassigned_then_cancelled
);

async fn task_reassigned_from_its_page(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let (s, task) = t
        .post(
            &head,
            "/api/v1/tasks",
            json!({"title": "Tổng hợp số liệu tháng 3", "unit_id": t.unit_id("QN-D1").await,
                   "due_on": "2026-03-10"}),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    let to = format!("/tasks/{}", task["id"].as_str().unwrap());
    // The assignee's team sees no form to reassign or cancel.
    let ksv = page_client();
    t.page_login(&ksv, "qn.ksv1").await;
    let html = ksv
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Điều chỉnh giao việc"));
    let page = page_client();
    let csrf = t.page_login(&page, "qn.chicuctruong").await;
    let html = page
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Điều chỉnh giao việc") && html.contains("Hủy việc"));
    let r = page
        .post(t.url(&to))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "reassign"),
            ("target", ""),
            ("due_on", "2026-03-13"),
            ("note", "Chờ số liệu của Đội 2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = page
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("13/03/2026") && html.contains("Chờ số liệu của Đội 2"),
        "{html}"
    );
    let r = page
        .post(t.url(&to))
        .form(&[("csrf", csrf.as_str()), ("op", "cancel"), ("note", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Ghi lý do hủy việc"));
}
on_both!(
    a_task_is_reassigned_from_its_page,
    task_reassigned_from_its_page
);
