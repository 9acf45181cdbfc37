//! `qltt import businesses FILE.xlsx`: the real binary reads a workbook, told from CSV by its
//! content (a file misnamed .csv is still read as the workbook it is).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use qltt_testkit::{TestApp, on_both};

fn qltt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qltt"))
        .args(args)
        .env_remove("QLTT_DATABASE_URL")
        .env_remove("QLTT_DATA_DIR")
        .env("QLTT_LOG", "warn")
        .output()
        .expect("run qltt")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in ["name", "kind", "tax_code", "address", "unit_code"]
        .into_iter()
        .enumerate()
    {
        s.write_string(0, c as u16, h).unwrap();
    }
    s.write_string(1, 0, "Công ty A").unwrap();
    s.write_string(1, 1, "enterprise").unwrap();
    s.write_number(1, 2, 100233488.0).unwrap();
    s.write_string(1, 3, "Số 1").unwrap();
    s.write_string(1, 4, "QN-D1").unwrap();
    s.write_string(2, 0, "Sai").unwrap();
    s.write_string(2, 1, "enterprise").unwrap();
    s.write_string(2, 2, "0100233480").unwrap();
    s.write_string(2, 3, "Số 2").unwrap();
    s.write_string(2, 4, "QN-D1").unwrap();
    book.save_to_buffer().unwrap()
}

async fn import_xlsx_from_the_command_line(t: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let bytes = workbook();
    let mut outputs = Vec::new();
    for name in ["co-so.xlsx", "co-so-doi-ten.csv"] {
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let (url, path) = (t.db.url.clone(), file.to_str().unwrap().to_string());
        let out = tokio::task::spawn_blocking(move || {
            qltt(&["--database", &url, "import", "businesses", &path])
        })
        .await
        .unwrap();
        outputs.push(out);
    }
    for out in &outputs {
        assert_eq!(out.status.code(), Some(1), "{}", text(out));
        assert!(text(out).contains("dòng 3: tax_code:"), "{}", text(out));
    }
    assert!(
        text(&outputs[0]).contains("1 thêm mới"),
        "{}",
        text(&outputs[0])
    );
    assert!(
        text(&outputs[1]).contains("0 thêm mới, 0 cập nhật, 1 không đổi"),
        "{}",
        text(&outputs[1])
    );
    let head = t.login("qn.chicuctruong").await;
    let (_, found) = t.get(&head, "/api/v1/businesses?q=0100233488").await;
    assert_eq!(found["items"][0]["name"], "Công ty A");
}
on_both!(
    import_an_xlsx_file_from_the_command_line,
    import_xlsx_from_the_command_line
);
