//! Sending and receiving between units (issue 9; Decree 30/2020): a signed document goes out on
//! the day it is signed, at the latest the next working day, an urgent one at once (Art. 18(1)),
//! and waits in the clerk's queue with that day until it is sent; a unit that receives a
//! document from another unit of the product tells the sender the same day that it arrived
//! (Art. 21(2)(c)), by confirming it or by routing it. Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

/// An outgoing document entered directly in the province's register (signed and numbered).
async fn outgoing(t: &TestApp, clerk: &str, summary: &str, urgency: &str) -> Value {
    let (s, b) = t
        .post(
            clerk,
            "/api/v1/office-documents",
            json!({"direction": "outgoing", "doc_type": "notice", "document_date": "2026-03-05",
                   "correspondent": "Các đội", "summary": summary, "urgency": urgency}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

fn queue_ids(q: &Value, key: &str) -> Vec<String> {
    q[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["document_id"].as_str().unwrap().to_string())
        .collect()
}

async fn signed_documents_wait_for_their_sending_day(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    // Thursday 05/03/2026: an ordinary notice may go out until Friday, an urgent one today.
    let plain = outgoing(&t, &clerk, "Thông báo lịch trực tháng 3", "normal").await;
    let urgent = outgoing(&t, &clerk, "Công điện kiểm tra hàng nhập lậu", "urgent").await;
    let (plain_id, urgent_id) = (
        plain["id"].as_str().unwrap().to_string(),
        urgent["id"].as_str().unwrap().to_string(),
    );
    let doc = |id: &str| format!("/api/v1/office-documents/{id}");
    let (_, d) = t.get(&clerk, &doc(&plain_id)).await;
    assert_eq!(
        (d["send_by"].as_str(), d["send_late"].as_bool()),
        (Some("2026-03-06"), Some(false)),
        "{d}"
    );
    let (_, d) = t.get(&clerk, &doc(&urgent_id)).await;
    assert_eq!(d["send_by"], "2026-03-05");
    // The most pressing first: the urgent one, registered second, is due today.
    let (_, q) = t.get(&clerk, "/api/v1/queues").await;
    assert_eq!(
        queue_ids(&q, "to_send"),
        [urgent_id.clone(), plain_id.clone()]
    );
    assert_eq!(q["to_send"][0]["due_on"], "2026-03-05");
    assert_eq!(q["to_send"][1]["due_on"], "2026-03-06");
    assert_eq!(q["to_send"][1]["number"], plain["number"]);
    // Who never sends has no such queue; another province does not see this one.
    let (_, q) = t.get(&t.login("qn.ksv1").await, "/api/v1/queues").await;
    assert_eq!(q["to_send"], json!([]));
    let (_, q) = t
        .get(&t.login("bn.chicuctruong").await, "/api/v1/queues")
        .await;
    assert_eq!(q["to_send"], json!([]));
    // Friday: the urgent one is late; the ordinary one is not, until the next Monday.
    t.clock.advance(chrono::Duration::days(1));
    let clerk = t.login("qn.vanthu").await;
    let (_, d) = t.get(&clerk, &doc(&urgent_id)).await;
    assert_eq!(d["send_late"], true);
    let (_, d) = t.get(&clerk, &doc(&plain_id)).await;
    assert_eq!(d["send_late"], false);
    t.clock.advance(chrono::Duration::days(3));
    let clerk = t.login("qn.vanthu").await;
    let (_, d) = t.get(&clerk, &doc(&plain_id)).await;
    assert_eq!(d["send_late"], true);
    let page = page_client();
    t.page_login(&page, "qn.vanthu").await;
    let html = page
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Văn bản đã ký chờ phát hành")
            && html.contains("Thông báo lịch trực tháng 3")
            && html.contains("trễ hạn"),
        "{html}"
    );
    let html = page
        .get(t.url(&format!("/office/{plain_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Hạn phát hành")
            && html.contains("06/03/2026")
            && html.contains("Trễ hạn phát hành")
    );
    // Sent, it leaves the queue and has no sending day any more.
    let (s, b) = t
        .post(
            &clerk,
            &format!("{}/actions/send", doc(&urgent_id)),
            json!({"recipient_unit_ids": [t.unit_id("QN-D1").await]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["send_by"], Value::Null);
    let (_, q) = t.get(&clerk, "/api/v1/queues").await;
    assert_eq!(queue_ids(&q, "to_send"), [plain_id]);
}
on_both!(
    a_signed_document_waits_in_the_clerks_queue_with_its_last_day_to_send,
    signed_documents_wait_for_their_sending_day
);

async fn arrivals_are_confirmed_to_their_sender(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    let leader = t.login("qn.doitruong1").await;
    let ksv = t.login("qn.ksv1").await;
    let (d1, d2) = (t.unit_id("QN-D1").await, t.unit_id("QN-D2").await);
    let sent = outgoing(&t, &clerk, "Kế hoạch kiểm tra xăng dầu", "normal").await;
    let sent_id = sent["id"].as_str().unwrap().to_string();
    let (s, b) = t
        .post(
            &clerk,
            &format!("/api/v1/office-documents/{sent_id}/actions/send"),
            json!({"recipient_unit_ids": [d1, d2],
                   "external": [{"name": "UBND tỉnh Quảng Ninh", "channel": "post"}]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let deliveries = b["deliveries"].as_array().unwrap().clone();
    assert_eq!(deliveries.len(), 3, "{b}");
    assert!(deliveries.iter().all(|d| d["received_at"].is_null()));
    let incoming_of = |unit: &str| -> String {
        deliveries
            .iter()
            .find(|d| d["recipient_unit_id"] == unit)
            .unwrap()["incoming_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (in_d1, in_d2) = (incoming_of(&d1), incoming_of(&d2));
    let receipt = |id: &str| format!("/api/v1/office-documents/{id}/receipt");
    // The province head sees both arrivals waiting to be confirmed.
    let (_, q) = t.get(&head, "/api/v1/queues").await;
    assert_eq!(queue_ids(&q, "unconfirmed_arrivals").len(), 2, "{q}");
    // An inspector does not confirm for the team; another province sees nothing; the sender's
    // own register entry came from nowhere in the product.
    let (s, b) = t.post(&ksv, &receipt(&in_d1), json!({})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = t
        .post(
            &t.login("bn.chicuctruong").await,
            &receipt(&in_d1),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "office.not_found"), "{b}");
    let (s, b) = t.post(&clerk, &receipt(&sent_id), json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.not_delivered"), "{b}");
    // The team leader confirms; a second click changes nothing.
    let (s, b) = t.post(&leader, &receipt(&in_d1), json!({})).await;
    assert_eq!(s, 200, "{b}");
    let at = b["arrival"]["received_at"].clone();
    assert!(at.is_string(), "{b}");
    assert_eq!(
        b["arrival"]["received_by"],
        t.user_id("qn.doitruong1").await.as_str()
    );
    let (s, b) = t.post(&leader, &receipt(&in_d1), json!({})).await;
    assert_eq!((s, &b["arrival"]["received_at"]), (200, &at), "{b}");
    let confirmations =
        "SELECT COUNT(*) FROM audit_events WHERE action = 'office_document.confirm_receipt'";
    assert_eq!(scalar(&t, confirmations).await, 1);
    let (_, d) = t
        .get(&leader, &format!("/api/v1/office-documents/{in_d1}"))
        .await;
    assert_eq!(
        d["steps"].as_array().unwrap().last().unwrap()["action"],
        "confirm_receipt"
    );
    // The sender sees who confirmed, and that Đội 2 has not, late once the day is over.
    t.clock.advance(chrono::Duration::days(1));
    let (clerk, head) = (t.login("qn.vanthu").await, t.login("qn.chicuctruong").await);
    let (_, s_doc) = t
        .get(&clerk, &format!("/api/v1/office-documents/{sent_id}"))
        .await;
    let by_unit = |unit: &str| -> Value {
        s_doc["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["recipient_unit_id"] == unit)
            .unwrap()
            .clone()
    };
    assert_eq!(by_unit(&d1)["received_at"], at);
    assert_eq!(
        by_unit(&d1)["received_by_name"]
            .as_str()
            .map(|n| n.contains("Lê Minh Tuấn")),
        Some(true)
    );
    assert_eq!(
        (
            by_unit(&d2)["received_at"].is_null(),
            by_unit(&d2)["receipt_late"].as_bool()
        ),
        (true, Some(true))
    );
    let (_, q) = t.get(&head, "/api/v1/queues").await;
    assert_eq!(
        queue_ids(&q, "unconfirmed_arrivals"),
        std::slice::from_ref(&in_d2)
    );
    // Routing the arrival tells the sender too, before the routing itself.
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/office-documents/{in_d2}/actions/route"),
            json!({"opinion": "Đội 2 triển khai", "unit_id": d2}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let actions: Vec<&str> = b["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["register", "confirm_receipt", "route"]);
    let (_, q) = t.get(&head, "/api/v1/queues").await;
    assert_eq!(q["unconfirmed_arrivals"], json!([]));
    assert_eq!(scalar(&t, confirmations).await, 2);
    // The page of the sent document lists each recipient with its receipt.
    let page = page_client();
    t.page_login(&page, "qn.vanthu").await;
    let html = page
        .get(t.url(&format!("/office/{sent_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Nơi nhận và báo nhận")
            && html.contains("Đã nhận")
            && html.contains("Bưu chính"),
        "{html}"
    );
}
on_both!(
    a_unit_confirms_to_the_sender_that_a_document_arrived,
    arrivals_are_confirmed_to_their_sender
);

async fn receipt_confirmed_from_the_page(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let sent = outgoing(&t, &clerk, "Hướng dẫn nghiệp vụ", "normal").await;
    let (s, b) = t
        .post(
            &clerk,
            &format!(
                "/api/v1/office-documents/{}/actions/send",
                sent["id"].as_str().unwrap()
            ),
            json!({"recipient_unit_ids": [t.unit_id("QN-D1").await]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let incoming = b["deliveries"][0]["incoming_id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = format!("/office/{incoming}");
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
    assert!(html.contains("Chưa báo cho nơi gửi") && !html.contains("Xác nhận đã nhận</button>"));
    let page = page_client();
    let csrf = t.page_login(&page, "qn.doitruong1").await;
    let html = page
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Xác nhận đã nhận</button>"), "{html}");
    let r = page
        .post(t.url(&to))
        .form(&[("csrf", csrf.as_str()), ("op", "confirm_receipt")])
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
        !html.contains("Xác nhận đã nhận</button>") && html.contains("Lê Minh Tuấn"),
        "{html}"
    );
}
on_both!(
    a_team_leader_confirms_an_arrival_from_its_page,
    receipt_confirmed_from_the_page
);

async fn secret_documents_have_their_own_numbers(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let qn = t.unit_id("QN").await;
    let register = |summary: &str, confidentiality: &str| {
        let body = json!({"direction": "outgoing", "doc_type": "notice",
            "document_date": "2026-03-05", "correspondent": "Các đội", "summary": summary,
            "confidentiality": confidentiality});
        let clerk = clerk.clone();
        let t = &t;
        async move {
            let (s, b) = t.post(&clerk, "/api/v1/office-documents", body).await;
            assert_eq!(s, 201, "{b}");
            (
                b["number"].as_str().unwrap().to_string(),
                b["register"].as_str().unwrap().to_string(),
            )
        }
    };
    // Art. 15(2): each book counts from 01 on its own.
    assert_eq!(
        register("Lịch trực", "normal").await,
        ("01/TB-QLTT".into(), "general".into())
    );
    assert_eq!(
        register("Kế hoạch đột xuất", "confidential").await,
        ("01/TB-QLTT".into(), "secret".into())
    );
    assert_eq!(
        register("Danh sách cơ sở", "normal").await,
        ("02/TB-QLTT".into(), "general".into())
    );
    assert_eq!(
        register("Phương án phối hợp", "top_secret").await,
        ("02/TB-QLTT".into(), "secret".into())
    );
    // Eight clerks at once, alternating: still no gap and no duplicate in either book.
    let mut jobs = Vec::new();
    for i in 0..40 {
        let secrecy = if i % 2 == 0 { "secret" } else { "normal" };
        jobs.push(register("Văn bản đồng thời", secrecy));
    }
    let stream = futures_util::stream::iter(jobs).buffer_unordered(8);
    let _: Vec<_> = stream.collect().await;
    for book in ["general", "secret"] {
        let b = qltt_store::office::Book {
            unit_id: &qn,
            direction: "outgoing",
            register: book,
            year: 2026,
        };
        let seqs = qltt_store::office::register_seqs(t.app.db.pool(), &b)
            .await
            .unwrap();
        assert_eq!(seqs, (1..=22).collect::<Vec<i64>>(), "{book}");
    }
    // Each book is listed on its own; the general one is the default.
    let (_, general) = t
        .get(
            &clerk,
            "/api/v1/office-documents?direction=outgoing&limit=200",
        )
        .await;
    let items = general["items"].as_array().unwrap();
    assert_eq!(items.len(), 22);
    assert!(
        items
            .iter()
            .all(|d| d["register"] == "general" && d["confidentiality"] == "normal")
    );
    let (_, secret) = t
        .get(
            &clerk,
            "/api/v1/office-documents?direction=outgoing&register=secret&limit=200",
        )
        .await;
    let items = secret["items"].as_array().unwrap();
    assert_eq!(items.len(), 22);
    assert!(
        items
            .iter()
            .all(|d| d["register"] == "secret" && d["confidentiality"] != "normal")
    );
    let (s, b) = t
        .get(
            &clerk,
            "/api/v1/office-documents?direction=outgoing&register=mat",
        )
        .await;
    assert_eq!((s, code(&b)), (400, "office.invalid_register"), "{b}");
    // A secret arrival is numbered in the secret arrival book (Decree 26/2020 Art. 4(2)(a)).
    let (s, b) = t
        .post(
            &clerk,
            "/api/v1/office-documents",
            json!({"direction": "incoming", "doc_type": "official_letter", "number": "7/CAT-PC03",
                   "document_date": "2026-03-04", "correspondent": "Công an tỉnh",
                   "summary": "Phối hợp", "confidentiality": "secret"}),
        )
        .await;
    assert_eq!(
        (s, b["seq"].as_i64(), b["register"].as_str()),
        (201, Some(1), Some("secret")),
        "{b}"
    );
    // The page of the secret book.
    let page = page_client();
    t.page_login(&page, "qn.vanthu").await;
    let html = page
        .get(t.url("/office?direction=outgoing&register=secret"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Sổ văn bản mật đi")
            && html.contains("Phương án phối hợp")
            && !html.contains("Lịch trực"),
        "{html}"
    );
}
on_both!(
    outgoing_secret_documents_are_numbered_in_their_own_book,
    secret_documents_have_their_own_numbers
);
