//! Spawning the app and talking to it like a browser or an API client.

use domain::platform::Role;
use reqwest::redirect::Policy;
use store::error::StoreResult;
use store::platform::users::{self, NewUser};
use store::{Db, Tx};

/// Password of every test account.
pub const PASSWORD: &str = "test-pass-1";

/// Resident ID of the test member account.
pub const MEMBER_ID: &str = "11010519491231002X";

/// A running app with one account per role, named after the role code.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The app's database, for arranging data and checking effects.
    pub db: Db,
    dir: std::sync::Arc<tempfile::TempDir>,
}

/// Account for `role`, with the scope the tests use: union_staff in 新安江街道,
/// the commander of 杨村桥镇, relocation_staff in team 1.
pub fn account(role: Role) -> NewUser {
    NewUser {
        username: role.code().to_string(),
        display_name: format!("测试{}", role.label()),
        role,
        township: (role == Role::UnionStaff).then(|| "新安江街道".to_string()),
        town: (role == Role::RelocationCommander).then(|| "杨村桥镇".to_string()),
        team_id: (role == Role::RelocationStaff).then_some(1),
        member_resident_id: (role == Role::Member).then(|| MEMBER_ID.to_string()),
        password: PASSWORD.to_string(),
    }
}

impl TestApp {
    /// A fresh database, one account per role, the server on a random port.
    pub async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = store::testing::fresh_db(dir.path())
            .await
            .expect("test database");
        for role in Role::ALL {
            users::create(&db, "test", &account(role))
                .await
                .expect("test account");
        }
        let dir = std::sync::Arc::new(dir);
        TestApp {
            base: serve(&db, &dir).await,
            db,
            dir,
        }
    }

    /// Another server over the same database and data directory, as after a restart
    /// (the first one keeps running, as a killed server's database would be found).
    pub async fn restart(&self) -> TestApp {
        TestApp {
            base: serve(&self.db, &self.dir).await,
            db: self.db.clone(),
            dir: std::sync::Arc::clone(&self.dir),
        }
    }

    /// Where the server keeps the jobs' files.
    pub fn jobs_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("jobs")
    }

    /// Calls the API as an integration does: a bearer `token`, no cookies, no CSRF token.
    pub async fn api(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::Response {
        client()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("API call")
    }

    /// An API token of the test account of `role`.
    pub async fn token(&self, role: Role) -> String {
        let user = users::list(&self.db)
            .await
            .expect("users")
            .into_iter()
            .find(|u| u.username == role.code())
            .expect("test account");
        store::platform::tokens::create(&self.db, "test", user.id, "对接测试")
            .await
            .expect("token")
    }

    /// Calls the API with a JSON `body`, as an integration does (see [`TestApp::api`]).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        client()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("API call")
    }

    /// A client with no session.
    pub fn anonymous(&self) -> Session {
        Session {
            client: client(),
            base: self.base.clone(),
            csrf: String::new(),
        }
    }

    /// Logs in as the account of `role` and returns its browser session.
    pub async fn login(&self, role: Role) -> Session {
        self.login_as(role.code(), PASSWORD).await
    }

    /// Logs in with a name and password; panics if the login fails.
    pub async fn login_as(&self, username: &str, password: &str) -> Session {
        let mut s = self.anonymous();
        let r = s.try_login(username, password).await;
        assert_eq!(r.status(), 303, "login of {username} failed");
        let home = s.get("/").await;
        let body = home.text().await.expect("home body");
        s.csrf = csrf_in(&body).expect("csrf token on the home page");
        s
    }
}

/// Serves `db` on a random port, its jobs' files under `dir`; returns the base URL once
/// the server answers (it has then dealt with the jobs a previous server left).
async fn serve(db: &Db, dir: &tempfile::TempDir) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let mut state = web::AppState::new(db.clone());
    state.jobs = std::sync::Arc::new(web::jobs::Jobs::new(dir.path().join("jobs")));
    tokio::spawn(async move {
        let _ = web::serve_on(state, listener).await;
    });
    let health = client().get(format!("{base}/healthz")).send().await;
    assert!(
        health.is_ok_and(|r| r.status() == 200),
        "the server answers"
    );
    base
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_string())
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// A browser-like session (cookie jar, CSRF token of its forms).
pub struct Session {
    /// The HTTP client with its cookie jar.
    pub client: reqwest::Client,
    /// App base URL.
    pub base: String,
    /// The session's CSRF token (empty when anonymous).
    pub csrf: String,
}

impl Session {
    /// Opens the login page (for its CSRF token) and submits it.
    pub async fn try_login(&self, username: &str, password: &str) -> reqwest::Response {
        let (_, form) = self.page("/login").await;
        let token = csrf_in(&form).expect("login form has a CSRF token");
        self.client
            .post(format!("{}/login", self.base))
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
                ("_csrf", &token),
            ])
            .send()
            .await
            .expect("login request")
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("GET")
    }

    /// GET a path and return status and body.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap_or_default())
    }

    /// POST a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("_csrf", &self.csrf));
        self.client
            .post(format!("{}{}", self.base, path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// POSTs a form that must be accepted: a saved form answers with its redirect (303);
    /// anything else fails the test with the page. For the many steps that only arrange.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) {
        let r = self.post(path, fields).await;
        let status = r.status().as_u16();
        assert_eq!(
            status,
            303,
            "{path}: {}",
            r.text().await.unwrap_or_default()
        );
    }

    /// POST a form without any CSRF token (to test the check).
    pub async fn post_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// POSTs a browser's file upload (see [`Session::start_upload`]); when it starts a
    /// job, waits for the job to end and answers the job's page, as a person would read it.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: &std::path::Path,
    ) -> reqwest::Response {
        let r = self.start_upload(path, fields, file).await;
        match job_of(&r) {
            Some(job) => self.ended(&job).await,
            None => r,
        }
    }

    /// POSTs a browser's file upload: the text `fields`, then `file` as the field `file`,
    /// as `multipart/form-data`; the CSRF token goes in the query, as the upload forms
    /// send it. Answers the server's first answer (a started job's redirect).
    pub async fn start_upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: &std::path::Path,
    ) -> reqwest::Response {
        let boundary = "----gwtestboundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        let file_name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("upload.xlsx");
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(std::fs::read(file).expect("file to upload"));
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.client
            .post(format!("{}{path}?_csrf={}", self.base, self.csrf))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload")
    }

    /// Waits for the job whose page is `job` (`/jobs/7`) to end and answers its page.
    pub async fn ended(&self, job: &str) -> reqwest::Response {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let (_, page) = self.page(job).await;
            if !page.contains("id=\"job-live\"") {
                return self.get(job).await;
            }
            assert!(std::time::Instant::now() < deadline, "{job} never ended");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// The job page a started job's answer sends the browser to (`/jobs/7`), if it is one.
pub fn job_of(r: &reqwest::Response) -> Option<String> {
    let to = r.headers().get("location")?.to_str().ok()?;
    (r.status() == 303 && to.starts_with("/jobs/")).then(|| to.to_string())
}

/// Writes an .xlsx with these headers and rows.
pub fn xlsx(path: &std::path::Path, headers: &[&str], rows: &[Vec<String>]) {
    let mut w = sheets::SheetWriter::new(headers).expect("writer");
    for r in rows {
        w.write_row(r).expect("row");
    }
    w.finish(path).expect("finish");
}

/// The named columns of every row of a downloaded `.xlsx`, found as an import finds them
/// (whatever the title above the headers); the download must have succeeded.
pub async fn downloaded_rows(r: reqwest::Response, names: &[&'static str]) -> Vec<Vec<String>> {
    assert_eq!(r.status(), 200, "the download");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("download.xlsx");
    std::fs::write(&file, r.bytes().await.expect("body")).expect("saved");
    let columns: Vec<sheets::Column> = names.iter().map(|n| sheets::Column::required(n)).collect();
    let mut read = sheets::SheetReader::open(&file, &columns).expect("the download reads");
    let mut rows = Vec::new();
    while let Some(row) = read.next_row().expect("row") {
        rows.push((0..names.len()).map(|i| row.text(i)).collect());
    }
    rows
}

/// Imports `path` as the kind named `kind`, as the command line does: everything in reach.
pub async fn import_file(
    db: &Db,
    kind: &str,
    path: &std::path::Path,
    opts: &imports::ImportOptions,
) -> Result<imports::ImportReport, imports::ImportError> {
    let kind = imports::ImportKind::parse(kind).expect("a kind");
    imports::import(db, kind, path, opts, &imports::ImportScope::everything()).await
}

/// Exports every record of the kind named `kind`.
pub async fn export_file(db: &Db, kind: &str, out: &std::path::Path) -> u64 {
    let kind = imports::ImportKind::parse(kind).expect("a kind");
    let progress = imports::Progress::default();
    let n = imports::export(db, kind, out, &progress)
        .await
        .expect("export");
    assert_eq!(
        progress.rows_written(),
        n,
        "an export counts every row it writes"
    );
    n
}

/// Runs `work` in one committed transaction, as the web's unit of work does: tests set up
/// records through the store's write functions, which take the transaction.
pub async fn committed<T>(
    db: &Db,
    work: impl AsyncFnOnce(&mut Tx) -> StoreResult<T>,
) -> StoreResult<T> {
    let mut tx = db.begin().await?;
    let out = work(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// Asserts that `r` answered `status` with a page that says `says`: the check every refused
/// form of the tests makes, written once, with the page in the failure message.
pub async fn assert_answers(r: reqwest::Response, status: u16, says: &str) {
    let got = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(got, status, "{body}");
    assert!(body.contains(says), "«{says}» not in {body}");
}
