//! `init-db` on a real PostgreSQL: migrations once, partitions by month, roles that can do
//! only their part, and a trigger that refuses changes even to the owner.

use review::schema::{self, COUNTER_ROLE, REVIEWER_ROLE};
use review::testdb::TestPg;

#[tokio::test]
async fn init_db_migrates_once_and_partitions_by_month() {
    let pg = TestPg::shared();
    let name = pg.fresh_db("init").await;
    let mut db = pg.connect_admin(&name).await;
    let first = schema::init_db(&mut db, 1, 3).await.unwrap();
    assert_eq!(first.applied, vec![1]);
    assert_eq!(first.months, 5);
    let again = schema::init_db(&mut db, 1, 12).await.unwrap();
    assert!(again.applied.is_empty(), "a migration ran twice");
    let parts: i64 = db
        .query_one(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'access_log'::regclass",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    // 1 back + this month + 12 ahead, and the default partition.
    assert_eq!(parts, 15);
    let kind: i8 = db
        .query_one(
            "SELECT relkind::\"char\" FROM pg_class WHERE relname = 'access_log'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kind as u8, b'p', "access_log is not partitioned");
}

#[tokio::test]
async fn only_insert_for_counters_only_select_for_reviewers_no_changes_for_anyone() {
    let pg = TestPg::shared();
    let (name, db) = pg.fresh_schema("roles").await;
    let (counter, cpw) = pg.new_login(&db, "kassa", COUNTER_ROLE).await;
    let (reviewer, rpw) = pg.new_login(&db, "granskare", REVIEWER_ROLE).await;
    let row = review::bench::sample_row(1);
    let (ccfg, csec) = pg.login(&name, &counter, &cpw);
    let c = review::connect(&ccfg, &csec).await.unwrap();
    assert_eq!(
        review::row::insert_batch(&c, std::slice::from_ref(&row))
            .await
            .unwrap(),
        1
    );
    // Sent again: skipped, not doubled, and no error (INSERT … ON CONFLICT DO NOTHING).
    assert_eq!(
        review::row::insert_batch(&c, std::slice::from_ref(&row))
            .await
            .unwrap(),
        0
    );
    for sql in [
        "SELECT count(*) FROM access_log",
        "UPDATE access_log SET outcome = 'x'",
        "DELETE FROM access_log",
        "TRUNCATE access_log",
        "SELECT count(*) FROM access_log_default",
    ] {
        let e = c.batch_execute(sql).await.expect_err(sql);
        let code = e.code().expect("a server error").code().to_string();
        assert_eq!(code, "42501", "{sql}: {e:?}"); // insufficient_privilege
    }
    let (rcfg, rsec) = pg.login(&name, &reviewer, &rpw);
    let r = review::connect(&rcfg, &rsec).await.unwrap();
    let n: i64 = r
        .query_one("SELECT count(*) FROM access_log", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    assert!(
        review::row::insert_batch(&r, &[review::bench::sample_row(2)])
            .await
            .is_err()
    );
    for sql in [
        "UPDATE access_log SET outcome = 'x'",
        "DELETE FROM access_log",
    ] {
        assert!(r.batch_execute(sql).await.is_err(), "{sql}");
        // The owner holds every privilege, and the trigger still refuses.
        let e = db.batch_execute(sql).await.expect_err(sql);
        assert!(
            format!("{:?}", e).contains("bara att lägga till"),
            "{sql}: {e:?}"
        );
    }
    // Who sent the row is the server's word.
    let by: String = db
        .query_one("SELECT received_by FROM access_log", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(by, counter);
}
