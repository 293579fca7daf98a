//! The throwaway PostgreSQL of the tests (`scripts/pg-test-cluster.sh`, started by `make test`).
//! A test without it fails, naming what to run: it never skips silently.

use nll_client::{CentralLogConfig, MemorySecrets};
use tokio_postgres::Client;

/// The cluster named by `RECEPTDISK_TEST_PG` (`host=… port=… user=… password=…`).
#[derive(Debug, Clone)]
pub struct TestPg {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
}

const MISSING: &str = "RECEPTDISK_TEST_PG is not set: these tests need a PostgreSQL cluster. \
    Run `make test`, or `scripts/pg-test-cluster.sh run cargo test -p review` \
    (PostgreSQL from scripts/setup.sh)";

impl TestPg {
    /// The shared cluster; panics with what to run when there is none.
    pub fn shared() -> TestPg {
        let spec = std::env::var("RECEPTDISK_TEST_PG").expect(MISSING);
        TestPg::parse(&spec)
    }

    pub fn parse(spec: &str) -> TestPg {
        let get = |k: &str| {
            spec.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .unwrap_or_else(|| panic!("RECEPTDISK_TEST_PG has no {k}="))
                .to_string()
        };
        TestPg {
            host: get("host"),
            port: get("port").parse().expect("port"),
            user: get("user"),
            password: get("password"),
        }
    }

    /// A connection as `user` with `password`, to `dbname`.
    pub fn login(
        &self,
        dbname: &str,
        user: &str,
        password: &str,
    ) -> (CentralLogConfig, MemorySecrets) {
        let mut cfg = CentralLogConfig::new(&self.host, self.port, dbname, user);
        cfg.batch_size = 100;
        let secrets = MemorySecrets::new().with(cfg.password_account(), password);
        (cfg, secrets)
    }

    pub fn admin(&self, dbname: &str) -> (CentralLogConfig, MemorySecrets) {
        self.login(dbname, &self.user, &self.password)
    }

    pub async fn connect_admin(&self, dbname: &str) -> Client {
        let (cfg, secrets) = self.admin(dbname);
        crate::connect(&cfg, &secrets)
            .await
            .expect("connect as admin")
    }

    /// A new, empty database of its own (tests run in parallel).
    pub async fn fresh_db(&self, label: &str) -> String {
        let name = format!(
            "t_{label}_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        );
        let admin = self.connect_admin("postgres").await;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        name
    }

    /// A fresh database with the schema, and an owner connection to it.
    pub async fn fresh_schema(&self, label: &str) -> (String, Client) {
        let name = self.fresh_db(label).await;
        let mut db = self.connect_admin(&name).await;
        crate::schema::init_db(&mut db, 2, 2)
            .await
            .expect("init-db");
        (name, db)
    }

    /// A new login in `role`: (name, password).
    pub async fn new_login(&self, db: &Client, prefix: &str, role: &str) -> (String, String) {
        let login = format!(
            "{prefix}_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        );
        let pw = uuid::Uuid::new_v4().simple().to_string();
        crate::schema::create_login(db, &login, &pw, role)
            .await
            .expect("create login");
        (login, pw)
    }
}

/// A cluster of a test's own, which the test may stop and start (the shared one it must not).
#[derive(Debug)]
pub struct OwnCluster {
    pub dir: std::path::PathBuf,
    pub pg: TestPg,
    script: String,
}

impl OwnCluster {
    pub fn start() -> OwnCluster {
        let script = std::env::var("RECEPTDISK_TEST_PG_CLUSTER").expect(MISSING);
        let dir = std::env::temp_dir().join(format!(
            "receptdisk-pg-own-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let password = uuid::Uuid::new_v4().simple().to_string();
        let c = OwnCluster {
            dir,
            pg: TestPg {
                host: "127.0.0.1".into(),
                port,
                user: "admin".into(),
                password,
            },
            script,
        };
        c.run(&[
            "init",
            c.dir.to_str().unwrap(),
            &port.to_string(),
            &c.pg.password,
        ]);
        c
    }

    fn run(&self, args: &[&str]) {
        let st = std::process::Command::new("bash")
            .arg(&self.script)
            .args(args)
            .status()
            .expect("pg-test-cluster.sh");
        assert!(st.success(), "pg-test-cluster.sh {args:?} failed");
    }

    /// Stops the server at once, as a crash would (`immediate`).
    pub fn crash(&self) {
        self.run(&["stop", self.dir.to_str().unwrap(), "immediate"]);
    }

    pub fn restart(&self) {
        self.run(&["start", self.dir.to_str().unwrap()]);
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash")
            .arg(&self.script)
            .args(["stop", self.dir.to_str().unwrap(), "immediate"])
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
