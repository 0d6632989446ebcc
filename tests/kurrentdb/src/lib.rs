//! Only tests live here (tests/), against a running `gongzhi`.
