//! include/rtcpc.h is committed; build.rs regenerates it from src/ffi on every
//! build. After this test's build, the file must not differ from the checked-in copy.

use std::process::Command;

#[test]
fn committed_header_is_up_to_date() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("git")
        .args(["diff", "--exit-code", "--", "include/rtcpc.h"])
        .current_dir(root)
        .output()
        .expect("git is needed to compare include/rtcpc.h with the committed copy");
    assert!(
        out.status.success(),
        "include/rtcpc.h is stale: build.rs regenerated it; commit the new header.\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let header = std::fs::read_to_string(format!("{root}/include/rtcpc.h")).unwrap();
    for f in [
        "rtc_pc_new",
        "rtc_pc_create_answer",
        "rtc_pc_set_remote_description",
        "rtc_pc_set_local_description",
        "rtc_pc_add_track",
    ] {
        assert!(
            header.contains(&format!("{f}(")),
            "{f} missing from the header"
        );
    }
}
