//! `vmeste-fuzz TARGET`: the AFL++ harness of one target, reading inputs in persistent mode;
//! `vmeste-fuzz TARGET --replay FILE...` runs the target once on each file instead (no AFL).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(target) = args.first().and_then(|n| vmeste_fuzz::target(n)) else {
        eprintln!(
            "usage: vmeste-fuzz TARGET [--replay FILE...]; targets: {}",
            vmeste_fuzz::names().join(" ")
        );
        std::process::exit(2);
    };
    // One process per core is AFL++'s way to scale: the parsers' parallel parts (the OSM
    // reader's block decoding) run inline on the calling thread, where waking a pool's
    // threads for each input cost more than the parsing of a small one.
    match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool.install(|| run(target, &args)),
        Err(_) => run(target, &args),
    }
}

/// Replays the files after `--replay`, or runs the AFL++ loop.
fn run(target: vmeste_fuzz::Target, args: &[String]) {
    if args.get(1).map(String::as_str) == Some("--replay") {
        for path in &args[2..] {
            match std::fs::read(path) {
                Ok(bytes) => target(&bytes),
                Err(e) => eprintln!("{path}: {e}"),
            }
        }
        return;
    }
    // No abort-on-panic hook: a panic the code under test catches and turns into an error
    // (the OSM reader does so for osmpbf's arithmetic on corrupt blocks) is handled input;
    // a panic that escapes the target still aborts the run and counts as a crash.
    afl::fuzz(false, |data: &[u8]| target(data));
}
