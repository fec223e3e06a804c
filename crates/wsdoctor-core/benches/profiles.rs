//! `cargo bench -p wsdoctor-core --bench profiles`: loading 10,000 saved profiles, as the app does when the
//! Profiles view opens, and filtering the list as a user types. Target: the load in 200 ms or less.

use std::time::{Duration, Instant};

use wsdoctor_core::check::{HeaderInput, TargetRequest};
use wsdoctor_core::profile::{Environment, Profile, ProfileStore, ProfileTarget};

const PROFILES: usize = 10_000;
const RUNS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("wsdoctor-bench-profiles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = ProfileStore::new(&dir);
    let started = Instant::now();
    for i in 0..PROFILES {
        store
            .save(&Profile {
                name: format!("customer {i:05}"),
                notes: "Tenant on the EU cluster; the proxy idles out after 60 s.".into(),
                tags: vec!["support".into(), format!("region-{}", i % 7)],
                target: ProfileTarget {
                    request: TargetRequest {
                        url: format!("wss://{{{{host}}}}/tenant/{i}/ws"),
                        origin: Some("https://app.example".into()),
                        headers: vec![
                            HeaderInput {
                                name: "Authorization".into(),
                                value: String::new(),
                                secret: true,
                            },
                            HeaderInput {
                                name: "X-Tenant".into(),
                                value: format!("t{i}"),
                                secret: false,
                            },
                        ],
                        subprotocols: vec!["v2.chat".into()],
                        ..TargetRequest::default()
                    },
                    ..ProfileTarget::default()
                },
                environments: ["dev", "staging", "prod"]
                    .iter()
                    .map(|e| Environment {
                        name: (*e).into(),
                        values: [("host".to_string(), format!("{e}.example"))].into(),
                    })
                    .collect(),
                ..Profile::default()
            })
            .expect("save");
    }
    println!(
        "wrote {PROFILES} profiles in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut loads = Vec::new();
    let mut count = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let loaded = store.load().expect("load");
        loads.push(started.elapsed());
        count = loaded.profiles.len();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    }
    assert_eq!(count, PROFILES);
    let load = median(loads);
    println!(
        "load {PROFILES} profiles: median {:.1} ms of {RUNS} (target 200 ms) {}",
        load.as_secs_f64() * 1000.0,
        if load <= Duration::from_millis(200) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );

    let profiles = store.load().expect("load").profiles;
    let mut filters = Vec::new();
    for query in ["cust", "customer 0999", "region-3", "zzz"] {
        let started = Instant::now();
        let q = query.to_lowercase();
        let hits = profiles
            .iter()
            .filter(|p| p.name.to_lowercase().contains(&q) || p.tags.iter().any(|t| t.contains(&q)))
            .count();
        filters.push(started.elapsed());
        std::hint::black_box(hits);
    }
    println!(
        "filter the list (4 queries): median {:.2} ms",
        median(filters).as_secs_f64() * 1000.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}
