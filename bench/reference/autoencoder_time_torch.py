"""PyTorch timing of PyOD's default AutoEncoder (hidden 64-32 mirrored, Linear -> BatchNorm -> ReLU -> Dropout(0.2),
Adam 1e-3 with weight decay 1e-5, MSE, batch 32, 10 epochs) on a min-max scaled CSV, for `npm run bench -- ae-time --torch`.
Usage: /usr/bin/python3 bench/reference/autoencoder_time_torch.py <file.csv.gz> [--threads 1]; prints one JSON line."""
import argparse, gzip, json, time
import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument('file')
p.add_argument('--threads', type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
with gzip.open(a.file, 'rt') if a.file.endswith('.gz') else open(a.file) as f:
    header = f.readline().strip().split(',')
    data = np.loadtxt(f, delimiter=',', dtype=np.float32)
x = np.delete(data, header.index('label'), axis=1)
lo, hi = x.min(0), x.max(0)
x = (x - lo) / np.where(hi > lo, hi - lo, 1)
X = torch.from_numpy(x.astype(np.float32))
d = X.shape[1]

def block(i, o):
    return [torch.nn.Linear(i, o), torch.nn.BatchNorm1d(o), torch.nn.ReLU(), torch.nn.Dropout(0.2)]

model = torch.nn.Sequential(*block(d, 64), *block(64, 32), *block(32, 64), torch.nn.Linear(64, d))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
cpu0, t0 = time.process_time(), time.perf_counter()
model.train()
for epoch in range(10):
    perm = torch.randperm(X.shape[0])
    for s in range(0, X.shape[0], 32):
        xb = X[perm[s:s + 32]]
        if xb.shape[0] < 2:
            continue
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xb), xb)
        loss.backward()
        opt.step()
fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - cpu0
model.eval()
t1 = time.perf_counter()
with torch.no_grad():
    scores = ((model(X) - X) ** 2).sum(1)
score_s = time.perf_counter() - t1
print(json.dumps({'rows': int(X.shape[0]), 'features': d, 'fitSeconds': fit_s, 'fitCpuSeconds': fit_cpu, 'scoreSeconds': score_s, 'torch': torch.__version__, 'threads': a.threads}))
