//! Simulation check of the 95 % intervals: seeded, fast, several distributions and sample
//! sizes; coverage of the true value must fall in 93–97 %.

#[cfg(test)]
mod tests {
    use crate::analyse::estimate::{mean_ci, nps, wilson};
    use crate::synth::Rng;

    /// Draws from a discrete distribution over 1..=k (or 0..=10 when `zero_based`).
    fn draw(rng: &mut Rng, probs: &[f64], zero_based: bool) -> f64 {
        let u = rng.f64();
        let mut acc = 0.0;
        for (i, p) in probs.iter().enumerate() {
            acc += p;
            if u < acc {
                return if zero_based { i as f64 } else { (i + 1) as f64 };
            }
        }
        if zero_based { (probs.len() - 1) as f64 } else { probs.len() as f64 }
    }

    const REPS: usize = 2000;

    fn check(name: &str, hits: usize) {
        let cov = hits as f64 / REPS as f64;
        eprintln!("coverage {name}: {cov:.3}");
        assert!((0.93..=0.97).contains(&cov), "{name}: coverage {cov:.3}");
    }

    #[test]
    fn intervals_cover_the_true_value() {
        let likert: [&[f64]; 3] = [
            &[0.1, 0.2, 0.3, 0.25, 0.15],  // roughly symmetric
            &[0.02, 0.05, 0.13, 0.4, 0.4], // skewed to the top
            &[0.3, 0.1, 0.1, 0.1, 0.4],    // bimodal
        ];
        let mut rng = Rng::new(2026);
        for (d, probs) in likert.iter().enumerate() {
            let true_mean: f64 = probs.iter().enumerate().map(|(i, p)| (i + 1) as f64 * p).sum();
            let true_top = probs[3] + probs[4];
            for n in [30, 100, 400] {
                let (mut mean_hits, mut top_hits) = (0, 0);
                for _ in 0..REPS {
                    let v: Vec<f64> = (0..n).map(|_| draw(&mut rng, probs, false)).collect();
                    let m = mean_ci(&v).unwrap();
                    if m.low.unwrap() <= true_mean && true_mean <= m.high.unwrap() {
                        mean_hits += 1;
                    }
                    let k = v.iter().filter(|&&x| x >= 4.0).count();
                    let (lo, hi) = wilson(k, n).unwrap();
                    if lo <= true_top && true_top <= hi {
                        top_hits += 1;
                    }
                }
                check(&format!("mean, distribution {d}, n={n}"), mean_hits);
                check(&format!("top box, distribution {d}, n={n}"), top_hits);
            }
        }
        // NPS on 0-10 answers.
        let nps_dist = [0.03, 0.02, 0.03, 0.05, 0.05, 0.1, 0.1, 0.15, 0.17, 0.15, 0.15];
        let true_nps = 100.0 * ((0.15 + 0.15) - nps_dist[..7].iter().sum::<f64>());
        for n in [50, 200, 800] {
            let mut hits = 0;
            for _ in 0..REPS {
                let v: Vec<f64> = (0..n).map(|_| draw(&mut rng, &nps_dist, true)).collect();
                let (_, lo, hi) = nps(&v).unwrap();
                if lo <= true_nps && true_nps <= hi {
                    hits += 1;
                }
            }
            check(&format!("nps, n={n}"), hits);
        }
    }
}
