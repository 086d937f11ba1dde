//! Running the binary against a fresh database.

use std::process::Output;

/// A fresh database URL for one test and the directory it lives in.
pub struct Fixture {
    /// Database URL passed as `--db`.
    pub url: String,
    /// Scratch directory (files to import, exports, backups).
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A new, empty, migrated database.
    pub async fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = store::testing::fresh_url(dir.path())
            .await
            .expect("test database");
        let db = store::Db::connect(&url).await.expect("migrate");
        db.close().await;
        Fixture { url, dir }
    }

    /// A new database filled by `groundwork demo --no-serve` (the seeded 2019 scenario);
    /// panics with the demo's error output if it fails.
    pub async fn demo() -> Fixture {
        let f = Fixture::new().await;
        let started = std::time::Instant::now();
        let out = f.run(&["demo", "--no-serve"]);
        assert!(out.status.success(), "demo: {}", stderr(&out));
        eprintln!("demo took {:?}", started.elapsed());
        f
    }

    /// Runs `groundwork user add NAME --role ROLE --password PASSWORD`.
    pub fn add_user(&self, name: &str, role: &str, password: &str) -> Output {
        self.run(&["user", "add", name, "--role", role, "--password", password])
    }

    /// Runs `groundwork --db URL ARGS…`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    /// Runs `groundwork --db URL ARGS…` with these environment variables set.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_groundwork"))
            .arg("--db")
            .arg(&self.url)
            .args(args)
            .env("GROUNDWORK_LOG", "warn")
            .envs(env.iter().copied())
            .output()
            .expect("run groundwork")
    }

    /// A path inside the scratch directory.
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// The database, for arranging data or tampering with it.
    pub async fn db(&self) -> store::Db {
        store::Db::connect(&self.url).await.expect("connect")
    }
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}
