"""Direct NumPy transcriptions of the slides' and papers' algorithms, in float64.

The tests run lab's classes against these where Keras has no twin (or where lab offers the
slide's variant). Each function is the pseudo-code line by line; nothing is shared with lab.
"""
import math

import numpy as np


# ------------------------------------------------------------ a problem with known gradients

def linear_problem(seed=0, samples=64, features=5):
    """Least squares: L(θ) = mean((X w + b − y)²), with its exact gradient."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features))
    y = x @ rng.normal(size=features) + 0.5 + 0.1 * rng.normal(size=samples)
    return x, y


def linear_gradient(theta, x, y):
    """∇θ of mean((X w + b − y)²) for θ = (w, b) stacked as one vector."""
    w, b = theta[:-1], theta[-1]
    residual = x @ w + b - y
    return np.concatenate([2 * x.T @ residual, [2 * residual.sum()]]) / len(y)


# ------------------------------------------------------------------------------ optimizers
# Each runs `steps` full-batch updates from theta0 and returns θ after each step.

def sgd_nesterov_slide(theta0, grad, steps, lr, alpha):
    """Slide: θ̃ ← θ + αv; g at θ̃; v ← αv − ϵg; θ ← θ + v."""
    theta, v, out = theta0.copy(), np.zeros_like(theta0), []
    for _ in range(steps):
        g = grad(theta + alpha * v)
        v = alpha * v - lr * g
        theta = theta + v
        out.append((theta.copy(), v.copy()))
    return out


def adagrad_slide(theta0, grad, steps, lr, delta, r0=0.0):
    """Slide: r ← r + g⊙g; θ ← θ − ϵ g / (δ + √r)."""
    theta, r, out = theta0.copy(), np.full_like(theta0, r0), []
    for _ in range(steps):
        g = grad(theta)
        r = r + g * g
        theta = theta - lr / (delta + np.sqrt(r)) * g
        out.append(theta.copy())
    return out


def rmsprop_nesterov_slide(theta0, grad, steps, lr, rho, alpha, delta):
    """Slide (Goodfellow Alg. 8.6, δ inside the root): θ̃ ← θ + αv; g at θ̃;
    r ← ρr + (1 − ρ)g⊙g; v ← αv − ϵ g / √(δ + r); θ ← θ + v."""
    theta, r, v, out = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0), []
    for _ in range(steps):
        g = grad(theta + alpha * v)
        r = rho * r + (1 - rho) * g * g
        v = alpha * v - lr / np.sqrt(delta + r) * g
        theta = theta + v
        out.append((theta.copy(), v.copy()))
    return out


def adam_slide(theta0, grad, steps, lr, rho1, rho2, delta):
    """Slide (Kingma & Ba, Algorithm 1): ŝ, r̂ bias-corrected; θ ← θ − ϵ ŝ / (√r̂ + δ)."""
    theta, s, r, out = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0), []
    for t in range(1, steps + 1):
        g = grad(theta)
        s = rho1 * s + (1 - rho1) * g
        r = rho2 * r + (1 - rho2) * g * g
        s_hat, r_hat = s / (1 - rho1**t), r / (1 - rho2**t)
        theta = theta - lr * s_hat / (np.sqrt(r_hat) + delta)
        out.append(theta.copy())
    return out


def nadam_paper(theta0, grad, steps, lr, beta1, beta2, epsilon, schedule_decay=0.004):
    """Dozat (2016), Algorithm 2, line by line (his μ_t is our schedule, his ν is β₂, α_t = lr),
    with the schedule of his experiments, μ_t = β₁(1 − ½·0.96^(t·ψ)), ψ = schedule_decay."""
    theta, m, n, out = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0), []
    mu = [beta1 * (1 - 0.5 * 0.96 ** (t * schedule_decay)) for t in range(steps + 2)]
    for t in range(1, steps + 1):
        g = grad(theta)
        g_hat = g / (1 - math.prod(mu[1:t + 1]))
        m = mu[t] * m + (1 - mu[t]) * g              # the first moment decays with μ_t, not β₁
        m_hat = m / (1 - math.prod(mu[1:t + 2]))
        n = beta2 * n + (1 - beta2) * g * g
        n_hat = n / (1 - beta2**t)
        m_bar = (1 - mu[t]) * g_hat + mu[t + 1] * m_hat
        theta = theta - lr * m_bar / (np.sqrt(n_hat) + epsilon)
        out.append(theta.copy())
    return out


def nadam_schedule_only(theta0, grad, steps, lr, beta1, beta2, epsilon, schedule_decay=0.004):
    """Keras' Nadam (first moment with β₁) given Dozat's 0.004 schedule: what lab's
    `variant="paper"` was before it followed Algorithm 2, and Keras 2's Nadam."""
    theta, m, n, out = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0), []
    mu = [beta1 * (1 - 0.5 * 0.96 ** (t * schedule_decay)) for t in range(steps + 2)]
    for t in range(1, steps + 1):
        g = grad(theta)
        m = beta1 * m + (1 - beta1) * g
        n = beta2 * n + (1 - beta2) * g * g
        m_hat = (mu[t + 1] * m / (1 - math.prod(mu[1:t + 2]))
                 + (1 - mu[t]) * g / (1 - math.prod(mu[1:t + 1])))
        n_hat = n / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(n_hat) + epsilon)
        out.append(theta.copy())
    return out


# ------------------------------------------------------------------------------ schedules

def power_schedule(t, lr0, s, c):
    """η(t) = η₀ / (1 + t/s)^c."""
    return lr0 / (1 + t / s) ** c


def one_cycle(t, lr_max, total, lr0, lr_end, fraction):
    """Smith's 1cycle, as Géron describes it: up over the first half of the cycle, down over
    the second, then a linear drop to lr_end over the last `fraction` of the steps."""
    half = (1 - fraction) * total / 2
    if t < half:
        return lr0 + (lr_max - lr0) * t / half
    if t < 2 * half:
        return lr_max - (lr_max - lr0) * (t - half) / half
    return lr0 - (lr0 - lr_end) * min((t - 2 * half) / (total - 2 * half), 1.0)


def lr_range(k, lr_min, lr_max, steps):
    """The range test's rate for batch k: geometric from lr_min to lr_max in `steps` batches."""
    return lr_min * (lr_max / lr_min) ** (k / (steps - 1))


# --------------------------------------------------------------------------------- layers

def rrelu(x, slopes):
    """Xu et al. (2015): z if z ≥ 0 else a·z."""
    return np.where(x >= 0, x, slopes * x)


def max_norm_per_filter(w, r, eps=1e-7):
    """Each output filter w[..., j] scaled to a norm of at most r."""
    flat = w.reshape(-1, w.shape[-1])
    norms = np.sqrt((flat**2).sum(axis=0))
    return (flat * np.minimum(norms, r) / (norms + eps)).reshape(w.shape)
